/** Queue names, in a module of their own so the CLI can name them without loading the queue code. */
export const CHAT_QUEUE = 'chat';
