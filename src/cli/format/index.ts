export * from './errors.js';
export * from './template.js';
export * from './tabwriter.js';
export * from './table.js';
export { markAsMap, markHtmlEscaped, printValue, toGoJson } from './values.js';
