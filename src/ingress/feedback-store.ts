// The feedback port lives in learning/feedback-store.ts (the SQLite adapter in stores/sqlite/); re-exported for existing imports.
export type { Feedback, FeedbackStore } from '../learning/feedback-store.js';
