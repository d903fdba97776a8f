// The ES module entry: the CommonJS package's exports, each by its name (Node reads index.js's export list).
export * from './index.js';
export { default } from './index.js';
