/**
 * Every DynamoDB adapter and the client helpers in one module, so backend.ts loads the AWS SDK
 * with a single dynamic import, only when the DynamoDB backend is selected.
 */
export { connectDynamo, ensureTables } from './client.js';
export { DynamoApprovalStore } from './approval-store.js';
export { DynamoEffectLedger } from './effect-ledger.js';
export { DynamoEvaluationStore } from './evaluation-store.js';
export { DynamoFeedbackStore } from './feedback-store.js';
export { DynamoMemoryStore } from './memory-store.js';
export { DynamoRunStore } from './run-store.js';
export { DynamoSessionStore } from './session-store.js';
export { DynamoStatsSource } from './stats-source.js';
export { DynamoRunUsageLedger } from './usage-ledger.js';
export { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
