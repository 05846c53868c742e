export * from './model.js';
export { findTable, loadSnapshot, type SnapshotOptions } from './snapshot.js';
