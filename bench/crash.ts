/**
 * Crash benchmark: Lore processes running turns (learnings, a mutating refund tool, a read-only
 * tool, feedback, KB questions) are SIGKILLed at random moments and restarted on the same SQLite
 * file; afterwards the invariants of the durable workflow are counted. Exits 1 if any is broken.
 *
 *   npx tsx bench/crash.ts [--trials 200] [--lanes 2] [--recovery-every 5]
 *
 * Kill delays follow the measured turn duration (uniform over two turns after a run was
 * accepted); every n-th trial is killed during start-up recovery instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { killStragglers, runCrashTrials } from '../test/workflow/crash-harness.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '200' },
    lanes: { type: 'string', default: String(Math.max(1, Math.min(4, cpus().length))) },
    'recovery-every': { type: 'string', default: '5' },
  },
});
const trials = Number(values.trials);
const lanes = Number(values.lanes);
const recoveryKillEvery = Number(values['recovery-every']);
if (!(trials >= 1 && lanes >= 1 && recoveryKillEvery >= 0)) throw new Error('--trials, --lanes and --recovery-every must be positive numbers');

const dir = mkdtempSync(join(tmpdir(), 'lore-crash-bench-'));
const stop = () => {
  killStragglers();
  process.exit(130);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const started = Date.now();
try {
  const r = await runCrashTrials({ trials, lanes, dir, recoveryKillEvery });
  const secs = (Date.now() - started) / 1000;
  const rows: Array<[string, number | string]> = [
    ['SIGKILL trials', r.trials],
    ['  killed while recovering a previous kill', r.killedDuringRecovery],
    ['runs accepted (acknowledged)', r.accepted],
    ['runs resumed after a kill', r.recoveredByChildren + r.recoveredAtEnd],
    ['runs COMPLETED', r.completed],
    ['runs FAILED (with a reason)', r.failed - r.failedWithoutReason],
    ['mutating calls executed', r.mutatingCalls],
    ['  outcome unknown after a kill (not repeated)', r.outcomeUnknown],
    ['learning documents written', r.learningDocs],
    ['— invariants (must be 0) —', ''],
    ['runs not COMPLETED/FAILED', r.notTerminal],
    ['FAILED without a reason', r.failedWithoutReason],
    ['acknowledged runs lost', r.lostAcknowledged],
    ['completed runs missing a turn', r.missingTurns],
    ['duplicated learnings', r.duplicateLearnings],
    ['mutating calls run twice', r.duplicateMutatingCalls],
  ];
  console.log(`crash benchmark: ${r.trials} kills over ${lanes} lane(s) in ${secs.toFixed(1)} s`);
  for (const [k, v] of rows) console.log(`${k.padEnd(48)} ${v}`);
  console.log('kills by where they landed:');
  for (const [k, v] of Object.entries(r.killPoints).sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(46)} ${v}`);
  const broken = r.notTerminal + r.failedWithoutReason + r.lostAcknowledged + r.missingTurns + r.duplicateLearnings + r.duplicateMutatingCalls;
  console.log(broken === 0 ? 'OK: every invariant held' : `BROKEN: ${broken} invariant violation(s)`);
  process.exitCode = broken === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
