// The [LEARNING] tag format is memory's protocol (memory/ never imports agent/); kept here for existing imports.
export * from '../memory/learning-tags.js';
