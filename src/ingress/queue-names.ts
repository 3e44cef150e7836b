// Queue names, in a module of their own so the CLI can name them without loading the queue code.
export { CHAT_QUEUE } from '../jobs/queue-names.js';
