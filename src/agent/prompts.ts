// The system prompt wraps memory's fenced knowledge, so it lives in memory/ (memory/ never imports agent/); kept here for existing imports.
export * from '../memory/prompts.js';
