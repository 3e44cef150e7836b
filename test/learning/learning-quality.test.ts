import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { honestAnswer } from '../../src/learning/claims.js';
import { decisionRequest } from '../../src/learning/decision.js';
import { buildContext } from '../../src/memory/context-builder.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createAgentService } from '../../src/service.js';
import { MAIN, REPO, TSX } from '../config/project.js';

/**
 * The product-side rules of learning quality, each through the real runtime (SQLite in a temp dir,
 * the workflow engine, the offline model): what the decision sees, how conflicts are kept visible,
 * what a reply may claim, and how a short correction gets its subject.
 */
describe('learning quality (product rules)', () => {
  let dir: string;
  let rt: Runtime;
  let svc: ReturnType<typeof createAgentService>;
  const tenantId = 'default';
  const ask = (sessionId: string, message: string) => svc.start({ tenantId, sessionId, userId: 'local', message });
  const ingest = (sourceUri: string, text: string) => rt.knowledge.upsertDocument({ tenantId, sourceUri, kind: 'document', text, actor: 'test' });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lore-quality-'));
    rt = createRuntime(loadConfig({}, { dataDir: dir, logLevel: 'silent' }));
    svc = createAgentService(rt, { evaluate: false });
  });
  afterEach(async () => {
    await svc.close?.();
    rt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decides NOOP when a document already states the fact, and UPDATE can target a fact inside a document chunk', async () => {
    const doc = await ingest('docs/hours.md', '# Support\nSupport hours are 9:00 to 17:00 CET.\nWeekends are closed.');
    const same = await ask('A', 'FYI support hours are 9:00 to 17:00 CET.');
    expect(same.learnings).toMatchObject([{ event: 'NOOP', docId: doc.id }]);
    expect(same.answer).toContain('I already knew that.');
    expect(same.answer).not.toMatch(/I'll remember/);
    expect(await rt.knowledge.listDocuments({ tenantId, kind: 'learning' })).toHaveLength(0);

    const changed = await ask('A', 'FYI support hours are 8:00 to 18:00 CET now.');
    expect(changed.learnings).toMatchObject([{ event: 'UPDATE', superseded: { docId: doc.id, kind: 'document' } }]);
    expect((await ask('B', 'What are the support hours?')).answer).toContain('8:00 to 18:00');
  });

  it('keeps a conflict visible: recorded on both sides, labelled with dates and newest first in the context', async () => {
    const doc = await ingest('docs/backups.md', '# Backups\nBackups of the billing database start at 02:00.\nThey are encrypted.');
    const taught = await ask('A', 'FYI database backups finish by 04:00 in Frankfurt.');
    const [outcome] = taught.learnings;
    expect(outcome).toMatchObject({ event: 'ADD', conflicts: [{ docId: doc.id }] });
    const learningId = outcome!.docId!;
    // The review trail: a 'conflict' event on the learning and on the document it disagrees with.
    const mine = await rt.knowledge.history({ tenantId, id: learningId });
    expect(mine.find((e) => e.action === 'conflict')).toMatchObject({ detail: { with: doc.id, role: 'newer' } });
    const theirs = await rt.knowledge.history({ tenantId, id: doc.id });
    expect(theirs.find((e) => e.action === 'conflict')).toMatchObject({ detail: { with: learningId, role: 'older' } });

    const ctx = await buildContext({ sessions: rt.sessions, knowledge: rt.knowledge, tenantId, sessionId: 'B', userId: 'local', message: 'When do database backups start and finish?', historyTurns: 0, topK: 5 });
    const memory = ctx.system.map((b) => ('text' in b ? b.text : '')).join('\n');
    const today = new Date().toISOString().slice(0, 10);
    const learnedHeader = memory.split('\n').find((l) => l.includes(learningId));
    const docHeader = memory.split('\n').find((l) => l.startsWith('[Source: docs/backups.md'));
    expect(learnedHeader).toContain(`learned ${today}`);
    expect(learnedHeader).toContain('CONFLICT with docs/backups.md: this fact is NEWER');
    expect(docHeader).toContain('CONFLICT with learnings/');
    expect(docHeader).toContain('this fact is OLDER');
    expect(memory.indexOf(learnedHeader!)).toBeLessThan(memory.indexOf(docHeader!));
    expect(ctx.retrieved[0]!.docId).toBe(learningId);

    // The curator's queue lists it (the real CLI, on the same data dir).
    await svc.close?.();
    rt.close();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', TSX, MAIN, '--data-dir', dir, 'learnings', 'review'], { cwd: REPO, env: { ...process.env, LORE_LOG_LEVEL: 'silent' } }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(out).toContain('Conflicts (both kept; answers see the newer first):');
    expect(out).toContain(learningId);
    expect(out).toContain(`disagrees with: ${doc.id}`);
    rt = createRuntime(loadConfig({}, { dataDir: dir, logLevel: 'silent' }));
    svc = createAgentService(rt, { evaluate: false });
  }, 60_000);

  it('never claims to remember what was not stored, and never asks to be told what it was just told', async () => {
    const statement = await ask('A', 'The lobby plants look lovely.');
    expect(statement.learnings).toEqual([]);
    expect(statement.answer).not.toMatch(/remember|if you tell me/i);
    // Streamed too: what reaches the client holds no claim either.
    let streamed = '';
    const live = await svc.start({ tenantId, sessionId: 'S', userId: 'local', message: 'The lobby plants look lovely.', stream: true, onEvent: (e) => (e.type === 'text_delta' ? void (streamed += e.text) : undefined) });
    expect(streamed).toBe(live.answer);
    expect(streamed).not.toMatch(/remember|if you tell me/i);
    // A question may still invite the user to teach it: that is not a claim.
    const question = await ask('A', 'What is the lobby door code?');
    expect(question.answer).toMatch(/If you tell me/);
    // The stored turn says the same as the reply (the next turn's history).
    const turns = await rt.sessions.recentTurns({ tenantId, sessionId: 'A', limit: 10 });
    expect(turns.filter((t) => t.role === 'assistant').map((t) => t.content.map((c) => ('text' in c ? c.text : '')).join(''))[0]).not.toMatch(/remember/i);

    expect(honestAnswer("Noted. I'll remember that.", { stored: false, statement: true })).toBe('Noted.');
    expect(honestAnswer("Got it. I'll remember that.", { stored: true, statement: true })).toBe('Got it.');
    expect(honestAnswer("I don't have information about that yet. If you tell me, I'll remember it.", { stored: false, statement: false })).toContain('If you tell me');
    expect(honestAnswer("I don't have information about that yet. If you tell me, I'll remember it.", { stored: false, statement: true })).toBe("I haven't stored that as a fact.");
  });

  it('stores a short correction as a self-contained fact, its subject taken from the question just asked', async () => {
    await ingest('docs/internal-api.md', '# Internal API\nThe internal API rate limit is 100 req/s.\nAuthentication uses OAuth 2.0.');
    expect((await ask('A', 'What is the rate limit of the internal API?')).answer).toContain('100 req/s');
    const fixed = await ask('A', "no, that's wrong, it's 250 now");
    expect(fixed.learnings).toMatchObject([{ event: 'UPDATE', fact: 'The internal API rate limit is 250 req/s.' }]);
    expect(fixed.answer).not.toMatch(/If you tell me/);
    expect((await ask('B', 'What is the rate limit of the internal API?')).answer).toContain('250 req/s');
    // What the decision model is given: the exchange before the fact, then the fact and candidates.
    const req = decisionRequest("It's 250 now.", [{ id: 'c1', text: 'The internal API rate limit is 100 req/s.' }], { question: 'What is the rate limit of the internal API?', answer: 'It is 100 req/s.' });
    expect(req).toMatch(/^Conversation before the new fact:\nUser: What is the rate limit of the internal API\?\nAssistant: It is 100 req\/s\.\nNew fact: It's 250 now\./);
  });
});

describe('lore chat', () => {
  it('answers every piped line, in order, and exits after the last one', async () => {
    const data = mkdtempSync(join(tmpdir(), 'lore-chat-'));
    try {
      const out = await new Promise<string>((resolve, reject) => {
        const child = execFile(process.execPath, ['--import', TSX, MAIN, '--data-dir', data, '--model', 'offline', 'chat', '--session', 's1'], { cwd: REPO, env: { ...process.env, LORE_LOG_LEVEL: 'silent' } }, (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        );
        child.stdin!.end('What is 2+3?\nWhat is 4*5?\nWhat is 10-1?');
      });
      const answers = out.split('\n').filter((l) => l.startsWith('lore> '));
      expect(answers).toEqual(['lore> 2+3 = 5', 'lore> 4*5 = 20', 'lore> 10-1 = 9']);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);
});
