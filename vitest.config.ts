import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One DynamoDB Local for the run, started only when a test file asks for it (useDynamoLocal).
    globalSetup: ['test/dynamo-local.global.ts'],
  },
});
