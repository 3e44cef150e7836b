import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { summariseSession } from '../../src/memory/summarizer.js';
import { createOfflineProvider } from '../../src/models/offline/index.js';
import type { ModelProvider } from '../../src/models/provider.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

const CHILD = fileURLToPath(new URL('./summarise-child.ts', import.meta.url));
const dirs: string[] = [];
const rts: Runtime[] = [];
afterEach(() => {
  for (const r of rts.splice(0)) r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function runtime(dataDir = mkdtempSync(join(tmpdir(), 'lore-sumcrash-'))) {
  dirs.push(dataDir);
  const rt = createRuntime(loadConfig({}, { dataDir, logLevel: 'silent', 'memory.historyTurns': 4 }));
  rts.push(rt);
  return rt;
}

async function seed(rt: Runtime) {
  for (let i = 0; i < 10; i++) {
    const base = { tenantId: 'default', sessionId: 's', userId: 'ana', inputTokens: 0, outputTokens: 0, createdAt: 1_000 + i * 10, runId: `r${i}`, ttlSeconds: 10_000_000 };
    await rt.sessions.appendTurns({ turns: [{ ...base, role: 'user', content: [{ text: `Fact number ${i} is that box ${i} is blue.` }] }, { ...base, role: 'assistant', content: [{ text: 'Noted.' }] }] });
  }
}

const rows = (rt: Runtime) => sqliteDb(rt).prepare(`SELECT * FROM session_summaries WHERE session_id = 's'`).all() as Array<{ text: string; covered_turns: number; covered_through: number }>;
const count = (text: string, needle: string) => text.split(needle).length - 1;
const sum = (rt: Runtime, provider: ModelProvider, signal?: AbortSignal) =>
  summariseSession({ sessions: rt.sessions, memory: rt.memory, provider }, { tenantId: 'default', sessionId: 's', userId: 'ana', historyTurns: 4, now: 2_000, ...(signal ? { signal } : {}) });

/** 20 turns, window 4: turns 1–16 (boxes 0–7) fall out; boxes 8 and 9 are in the window. */
function expectExactlyOneSummaryOfBoxes0to7(rt: Runtime) {
  const r = rows(rt);
  expect(r).toHaveLength(1);
  expect(r[0]).toMatchObject({ covered_turns: 16, covered_through: 1_070 });
  for (let i = 0; i < 8; i++) expect(count(r[0]!.text, `box ${i} is blue`)).toBe(1);
  expect(r[0]!.text).not.toContain('box 8');
}

describe('durable summarisation', () => {
  it('a process killed mid-summarisation leaves no summary; the next run writes exactly one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lore-sumcrash-'));
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('SUMMARISING')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${out}`)));
    });
    child.removeAllListeners('exit');
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    const rt = runtime(dataDir);
    expect(rows(rt)).toEqual([]);
    expect(await sum(rt, rt.provider)).toMatchObject({ written: true, folded: 16 });
    expectExactlyOneSummaryOfBoxes0to7(rt);
    // Re-running (a retry after an acknowledged write was lost) has nothing left to fold.
    expect(await sum(rt, rt.provider)).toMatchObject({ written: false, reason: 'nothing_pending' });
    expectExactlyOneSummaryOfBoxes0to7(rt);
  }, 30_000);

  it('an abort during the model call writes nothing; the retry writes it once', async () => {
    const rt = runtime();
    await seed(rt);
    const offline = createOfflineProvider();
    const ac = new AbortController();
    const aborting: ModelProvider = { ...offline, converse: (req, o) => (ac.abort(), offline.converse(req, o)) };
    await expect(sum(rt, aborting, ac.signal)).rejects.toMatchObject({ code: 'ABORTED' });
    expect(rows(rt)).toEqual([]);
    await sum(rt, offline);
    expectExactlyOneSummaryOfBoxes0to7(rt);
  });

  it('two summarisers racing on one session fold the turns in once', async () => {
    const rt = runtime();
    await seed(rt);
    const results = await Promise.all([sum(rt, rt.provider), sum(rt, rt.provider), sum(rt, rt.provider)]);
    expect(results.filter((r) => r.written)).toHaveLength(1);
    expect(results.filter((r) => r.reason === 'lost_race')).toHaveLength(2);
    expectExactlyOneSummaryOfBoxes0to7(rt);
  });
});

describe('what a summary stores', () => {
  it('passes the configured guardrail: its redactions are kept, a block stores nothing but still covers the turns', async () => {
    const rt = runtime();
    await seed(rt);
    const redacting = { name: 'test', screen: async (r: { text: string }) => ({ action: 'redact' as const, text: r.text.replace(/box 3/g, '[REDACTED]'), findings: [] }) };
    await summariseSession({ sessions: rt.sessions, memory: rt.memory, provider: rt.provider, guard: redacting }, { tenantId: 'default', sessionId: 's', userId: 'ana', historyTurns: 4, now: 2_000 });
    expect(rows(rt)[0]!.text).toContain('[REDACTED] is blue');
    expect(rows(rt)[0]!.text).not.toContain('box 3');

    const other = runtime();
    await seed(other);
    const blocking = { name: 'test', screen: async (r: { text: string }) => ({ action: 'block' as const, text: r.text, findings: [] }) };
    await summariseSession({ sessions: other.sessions, memory: other.memory, provider: other.provider, guard: blocking }, { tenantId: 'default', sessionId: 's', userId: 'ana', historyTurns: 4, now: 2_000 });
    expect(rows(other)).toEqual([expect.objectContaining({ text: '', covered_turns: 16 })]);
  });
});
