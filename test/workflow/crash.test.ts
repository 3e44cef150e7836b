import { afterAll, describe, expect, it } from 'vitest';
import { killStragglers, runCrashTrials } from './crash-harness.js';
import { tempDir } from './fixtures.js';

/**
 * The main check: Lore processes SIGKILLed at random moments (while recovering, mid-turn,
 * mid-tool-call), restarted on the same database. Afterwards every acknowledged run is COMPLETED or
 * FAILED with a reason, no turn is lost, no learning is duplicated, no mutating call ran twice.
 */
describe('crash test (SIGKILL at random moments)', () => {
  const tmp = tempDir('lore-crash-');
  afterAll(() => {
    killStragglers();
    tmp.cleanup();
  });

  it('keeps every run recoverable and every effect exactly-once over 50+ kills', { timeout: 90_000 }, async () => {
    const report = await runCrashTrials({ trials: 52, lanes: 2, dir: tmp.dir, minDelayMs: 0, maxDelayMs: 350, deadlineMs: 70_000 });
    console.log('crash test:', JSON.stringify(report));
    expect(report.trials).toBeGreaterThanOrEqual(50);
    expect(report.accepted).toBeGreaterThan(report.trials);
    expect(report.mutatingCalls).toBeGreaterThan(0);
    expect(report.learningDocs).toBeGreaterThan(0);
    expect(report).toMatchObject({
      notTerminal: 0,
      failedWithoutReason: 0,
      lostAcknowledged: 0,
      missingTurns: 0,
      duplicateLearnings: 0,
      duplicateMutatingCalls: 0,
    });
  });
});
