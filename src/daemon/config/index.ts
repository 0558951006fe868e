export * from './defaults.js';
export * from './schema.js';
export * from './daemon-config.js';
export * from './load-config.js';
export * from './reload-config.js';
