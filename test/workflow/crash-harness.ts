import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { learningId } from '../../src/learning/updater.js';
import { openLore } from './crash-child.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

/**
 * The crash trials shared by the test suite and bench/crash.ts. Each lane is one database; a trial
 * starts a Lore child process, lets it recover and run turns for a random moment, then SIGKILLs it.
 * After a lane's last trial the parent recovers in-process and checks the invariants.
 */
export interface CrashOptions {
  trials: number;
  /** Independent databases run in parallel (each lane is sequential). */
  lanes: number;
  dir: string;
  /**
   * Every n-th trial is killed while the child starts up and recovers the previous kill's runs;
   * the others at a random point of the turns it runs (default 5).
   */
  recoveryKillEvery?: number;
  /**
   * Kill delays are uniform in [0, 2 × the mean turn duration measured so far], so they spread
   * over whole turns whatever the machine's speed; this is the mean assumed before any turn has
   * finished (default 200 ms).
   */
  initialTurnMs?: number;
  /** Give up starting new trials after this (bench only; the test runs every trial). */
  deadlineMs?: number;
  random?: () => number;
}

export interface CrashReport {
  trials: number;
  /** Kills that landed while the child was still recovering the previous kill's runs. */
  killedDuringRecovery: number;
  accepted: number;
  acknowledgedDone: number;
  recoveredByChildren: number;
  recoveredAtEnd: number;
  completed: number;
  failed: number;
  failedWithoutReason: number;
  notTerminal: number;
  lostAcknowledged: number;
  missingTurns: number;
  learningDocs: number;
  duplicateLearnings: number;
  mutatingCalls: number;
  duplicateMutatingCalls: number;
  outcomeUnknown: number;
  /**
   * Where the kills landed: the workflow step each in-flight run was in, "(recovery)" for kills
   * during start-up recovery, "(between turns)" when no run was in flight.
   */
  killPoints: Record<string, number>;
}

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const live = new Set<ChildProcess>();

/**
 * How to start a child. Compiling TypeScript on every start (`node --import tsx`) costs ~1 s a
 * trial, so the child is bundled once with esbuild (tsx's own compiler) into node_modules/.cache,
 * where its package imports still resolve; without esbuild it falls back to tsx.
 */
async function childCommand(): Promise<{ args: string[]; cleanup(): void }> {
  try {
    const { build } = await import('esbuild');
    const dir = join(ROOT, 'node_modules', '.cache', 'lore-crash');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `crash-child-${process.pid}-${Date.now()}.mjs`);
    await build({ entryPoints: [CHILD], bundle: true, platform: 'node', format: 'esm', packages: 'external', target: 'node20', outfile, logLevel: 'error' });
    return { args: [outfile], cleanup: () => rmSync(outfile, { force: true }) };
  } catch {
    return { args: ['--import', 'tsx', CHILD], cleanup: () => {} };
  }
}

/** Kill children we started and that are still running (test timeout, Ctrl-C). */
export function killStragglers(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

interface Seen {
  accepted: Set<string>;
  done: Set<string>;
  recovered: number;
  duringRecovery: number;
  killPoints: Record<string, number>;
  turnMs: number[];
}

function trial(cmd: string[], dbPath: string, logPath: string, o: { duringRecovery: boolean; initialTurnMs: number; rnd: () => number }, seen: Seen): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cmd, dbPath, logPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let buf = '';
    let err = '';
    let recovering = false;
    let armed = false;
    let timer: NodeJS.Timeout | undefined;
    // Runs in flight in this child: run id → the step it is in (undefined until its first step).
    const inFlight = new Map<string, string | undefined>();
    const acceptedAt = new Map<string, number>();
    const meanTurnMs = () => (seen.turnMs.length ? seen.turnMs.reduce((a, b) => a + b, 0) / seen.turnMs.length : o.initialTurnMs);
    const kill = () => {
      const at = (k: string) => (seen.killPoints[k] = (seen.killPoints[k] ?? 0) + 1);
      if (recovering) {
        seen.duringRecovery++;
        at('(recovery)');
      } else if (inFlight.size === 0) at('(between turns)');
      else for (const step of inFlight.values()) at(step ?? '(accepted)');
      child.kill('SIGKILL');
    };
    const arm = () => {
      if (armed) return;
      armed = true;
      timer = setTimeout(kill, Math.floor(o.rnd() * 2 * meanTurnMs()));
    };
    // A child that never gets going is killed too (counted as a start-up kill), not waited on forever.
    const startup = setTimeout(() => {
      seen.killPoints['(start-up)'] = (seen.killPoints['(start-up)'] ?? 0) + 1;
      child.kill('SIGKILL');
    }, 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) !== -1) {
        const [kind, id, arg] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        if (kind === 'READY') {
          clearTimeout(startup);
          recovering = true;
          if (o.duringRecovery) arm();
        } else if (kind === 'RECOVERED') {
          recovering = false;
          seen.recovered += Number(id);
        } else if (kind === 'ACCEPTED') {
          seen.accepted.add(id!);
          inFlight.set(id!, undefined);
          acceptedAt.set(id!, performance.now());
          arm();
        } else if (kind === 'STEP') inFlight.set(id!, arg);
        else if (kind === 'DONE') {
          seen.done.add(id!);
          inFlight.delete(id!);
          const t = acceptedAt.get(id!);
          if (t !== undefined) seen.turnMs.push(performance.now() - t);
          if (seen.turnMs.length > 200) seen.turnMs.shift();
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(startup);
      live.delete(child);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`crash child exited on its own (code ${code}): ${err.slice(-2000)}`));
    });
  });
}

async function lane(cmd: string[], index: number, trials: number, o: CrashOptions, deadline: number): Promise<CrashReport> {
  const dbPath = join(o.dir, `lane-${index}.db`);
  const logPath = join(o.dir, `lane-${index}.effects.log`);
  const rnd = o.random ?? Math.random;
  const seen: Seen = { accepted: new Set(), done: new Set(), recovered: 0, duringRecovery: 0, killPoints: {}, turnMs: [] };
  const every = o.recoveryKillEvery ?? 5;
  let ran = 0;
  for (; ran < trials && Date.now() < deadline; ran++) {
    await trial(cmd, dbPath, logPath, { duringRecovery: every > 0 && ran % every === every - 1, initialTurnMs: o.initialTurnMs ?? 200, rnd }, seen);
  }
  // The final restart, in-process, then the invariants.
  const { rt, engine } = openLore(dbPath, logPath);
  try {
    const recoveredAtEnd = await engine.recoverInFlight();
    const db = sqliteDb(rt);
    const runs = db.prepare('SELECT run_id, status, error_code, intent, result FROM workflow_runs').all() as Array<{ run_id: string; status: string; error_code: string | null; intent: string | null; result: string | null }>;
    const byId = new Map(runs.map((r) => [r.run_id, r]));
    const turns = db.prepare('SELECT run_id, count(*) AS n FROM turns WHERE run_id IS NOT NULL GROUP BY run_id').all() as Array<{ run_id: string; n: number }>;
    const turnCount = new Map(turns.map((t) => [t.run_id, t.n]));
    const learnings = db.prepare(`SELECT id, text, json_extract(provenance, '$.runId') AS run_id FROM documents WHERE kind = 'learning'`).all() as Array<{ id: string; text: string; run_id: string }>;
    const perRun = new Map<string, number>();
    for (const l of learnings) perRun.set(l.run_id, (perRun.get(l.run_id) ?? 0) + 1);
    const texts = new Map<string, number>();
    for (const l of learnings) texts.set(l.text, (texts.get(l.text) ?? 0) + 1);
    const effects = existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[0]!) : [];
    const effectCount = new Map<string, number>();
    for (const k of effects) effectCount.set(k, (effectCount.get(k) ?? 0) + 1);
    const completed = runs.filter((r) => r.status === 'COMPLETED');
    return {
      trials: ran,
      killedDuringRecovery: seen.duringRecovery,
      accepted: seen.accepted.size,
      acknowledgedDone: seen.done.size,
      recoveredByChildren: seen.recovered,
      recoveredAtEnd,
      completed: completed.length,
      failed: runs.filter((r) => r.status === 'FAILED').length,
      failedWithoutReason: runs.filter((r) => r.status === 'FAILED' && !r.error_code).length,
      notTerminal: runs.filter((r) => r.status !== 'COMPLETED' && r.status !== 'FAILED').length,
      lostAcknowledged: [...seen.accepted].filter((id) => !byId.has(id) || !['COMPLETED', 'FAILED'].includes(byId.get(id)!.status)).length,
      // Every completed turn stored its user and assistant message, once (the unique index forbids more).
      missingTurns: completed.filter((r) => (turnCount.get(r.run_id) ?? 0) !== 2).length,
      learningDocs: learnings.length,
      duplicateLearnings:
        [...perRun.values()].filter((n) => n > 1).length + [...texts.values()].filter((n) => n > 1).length + learnings.filter((l) => l.id !== learningId(l.run_id, 0)).length,
      mutatingCalls: effects.length,
      duplicateMutatingCalls: [...effectCount.values()].filter((n) => n > 1).length,
      outcomeUnknown: completed.filter((r) => r.result?.includes('TOOL_OUTCOME_UNKNOWN')).length,
      killPoints: seen.killPoints,
    };
  } finally {
    await engine.close();
    rt.close();
  }
}

export async function runCrashTrials(o: CrashOptions): Promise<CrashReport> {
  const deadline = Date.now() + (o.deadlineMs ?? Number.POSITIVE_INFINITY);
  const per = Array.from({ length: o.lanes }, (_, i) => Math.floor(o.trials / o.lanes) + (i < o.trials % o.lanes ? 1 : 0));
  const cmd = await childCommand();
  try {
    const reports = await Promise.all(per.map((n, i) => lane(cmd.args, i, n, o, deadline)));
    const total = { killPoints: {} } as CrashReport;
    for (const r of reports) {
      for (const [k, v] of Object.entries(r)) {
        if (k === 'killPoints') for (const [p, n] of Object.entries(v as Record<string, number>)) total.killPoints[p] = (total.killPoints[p] ?? 0) + n;
        else (total as unknown as Record<string, number>)[k] = ((total as unknown as Record<string, number>)[k] ?? 0) + (v as number);
      }
    }
    return total;
  } finally {
    killStragglers();
    cmd.cleanup();
  }
}

/**
 * How long one child takes here to start (READY) and to finish its first turn: the crash test
 * sizes its time budget from this, so a loaded 2-core machine gets more time, not fewer kills.
 */
export async function calibrate(dir: string): Promise<{ startupMs: number; turnMs: number }> {
  const cmd = await childCommand();
  const dbPath = join(dir, 'calibrate.db');
  try {
    return await new Promise((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, [...cmd.args, dbPath, join(dir, 'calibrate.effects.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
      live.add(child);
      let buf = '';
      let ready = 0;
      const accepted = new Map<string, number>();
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) !== -1) {
          const [kind, id] = buf.slice(0, nl).split(' ');
          buf = buf.slice(nl + 1);
          if (kind === 'READY') ready = performance.now() - t0;
          else if (kind === 'ACCEPTED') accepted.set(id!, performance.now());
          else if (kind === 'DONE' && accepted.has(id!)) {
            const turnMs = performance.now() - accepted.get(id!)!;
            child.kill('SIGKILL');
            resolve({ startupMs: ready, turnMs });
          }
        }
      });
      child.on('exit', (code, signal) => {
        live.delete(child);
        if (signal !== 'SIGKILL') reject(new Error(`calibration child exited (code ${code})`));
      });
    });
  } finally {
    cmd.cleanup();
  }
}
