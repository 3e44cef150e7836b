// The Queue port moved to jobs/queue.ts (it belongs to background work, not to HTTP); re-exported for existing imports.
export * from '../jobs/queue.js';
