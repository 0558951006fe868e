export * from './version.js';
export * from './info.js';
export * from './events.js';
export * from './errors.js';
export * from './stdcopy.js';
export * from './images.js';
export * from './registry.js';
export * from './containers.js';
