import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, defineTool, type AguiEvent, type ModelProvider, type ToolSource } from '../index.js';
import { createOfflineProvider } from '../models/offline/index.js';
import type { ConverseRequest } from '../models/types.js';
import { LORE_INSTRUCTIONS } from '../memory/prompts.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lore-lib-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refundTool(issued: Array<{ order: string; amount: number }>) {
  return defineTool({
    name: 'issue_refund',
    description: 'Issue a refund to a customer for an order. Amounts are in US dollars.',
    input: z.object({ order_id: z.string().min(1), amount: z.number().positive() }).strict(),
    mutating: true,
    handler: ({ order_id, amount }) => {
      issued.push({ order: order_id, amount });
      return { status: 'issued', order_id, amount };
    },
  });
}

describe('createAgent', () => {
  it('runs a turn with a user tool, parks a refund above the rule, and runs it once on approval', async () => {
    const issued: Array<{ order: string; amount: number }> = [];
    const agent = await createAgent({
      dataDir: dir,
      logLevel: 'silent',
      evaluate: false,
      tools: [refundTool(issued)],
      // Above the default amount threshold on purpose: the rule is what parks the run.
      approvals: { amountThreshold: 1_000_000, rules: [{ tool: 'issue_refund', above: 1000 }] },
    });
    try {
      expect(agent.tools.map((t) => t.name)).toContain('issue_refund');
      const small = await agent.ask('Please issue a refund of $50 for order A-1001.', { sessionId: 's1' });
      expect(small.status).toBe('COMPLETED');
      expect(issued).toEqual([{ order: 'A-1001', amount: 50 }]);

      const big = await agent.ask('Please issue a refund of $1500 for order A-1002.', { sessionId: 's2' });
      expect(big.status).toBe('AWAITING_APPROVAL');
      expect(big.pendingApprovals).toHaveLength(1);
      expect(big.pendingApprovals![0]!.reason).toMatch(/amount 1500 is above 1000 \(approval rule for issue_refund in createAgent\(\)\)/);
      expect(issued).toHaveLength(1);
      const pending = await agent.approvals.list({ status: 'pending' });
      expect(pending.map((a) => a.approvalId)).toEqual([big.pendingApprovals![0]!.approvalId]);

      const done = await agent.approvals.decide(pending[0]!.approvalId, 'approve', { actor: 'ops' });
      expect(done.status).toBe('COMPLETED');
      expect(issued).toEqual([{ order: 'A-1001', amount: 50 }, { order: 'A-1002', amount: 1500 }]);
      // Deciding again changes nothing: the effect ran once.
      await agent.approvals.decide(pending[0]!.approvalId, 'approve').catch(() => undefined);
      expect(issued).toHaveLength(2);
      expect((await agent.runs.get(big.runId))?.status).toBe('COMPLETED');
    } finally {
      await agent.close();
    }
  });

  it('streams the AG-UI events of a turn, and learns what the user states', async () => {
    const agent = await createAgent({ dbPath: ':memory:', logLevel: 'silent', evaluate: false });
    try {
      const run = agent.stream('Update: our support hours changed to 9am to 5pm CET last week.', { sessionId: 'k1' });
      const events: AguiEvent[] = [];
      for await (const e of run) events.push(e);
      const result = await run.result;
      expect(events[0]!.type).toBe('RUN_STARTED');
      expect(events.at(-1)!.type).toBe('RUN_FINISHED');
      expect(events.filter((e) => e.type === 'RUN_FINISHED' || e.type === 'RUN_ERROR')).toHaveLength(1);
      const text = events.flatMap((e) => (e.type === 'TEXT_MESSAGE_CONTENT' ? [e.delta] : [])).join('');
      expect(text.trim()).toBe(result.answer.trim());
      expect(text).not.toContain('[LEARNING]');
      expect(result.learnings.map((l) => l.event)).toContain('ADD');
      const learned = await agent.learnings.list();
      expect(learned.map((d) => d.text).join(' ')).toMatch(/9am to 5pm CET/);

      await agent.knowledge.ingest({ sourceUri: 'kb://returns', text: 'Returns are accepted within 30 days of delivery.' });
      const hits = await agent.knowledge.search('how many days for returns');
      expect(hits[0]!.text).toMatch(/30 days/);
    } finally {
      await agent.close();
    }
  });

  it('puts the configured persona at the head of the system prompt and keeps Lore’s instructions', async () => {
    const seen: ConverseRequest[] = [];
    const offline = createOfflineProvider();
    const spy: ModelProvider = {
      specificationVersion: 'v1',
      modelId: 'spy',
      converse: (req, o) => (seen.push(req), offline.converse(req, o)),
      converseStream: (req, o) => (seen.push(req), offline.converseStream(req, o)),
    };
    const agent = await createAgent({ dbPath: ':memory:', logLevel: 'silent', evaluate: false, model: spy, systemPrompt: 'You are Pia, the billing desk of Acme.' });
    try {
      expect(agent.modelId).toBe('spy');
      await agent.ask('hello');
      // The answer call (side tasks such as intent classification have their own prompts).
      const system = seen.map((r) => (r.system ?? []).map((b) => ('text' in b ? b.text : '')).join('\n')).find((t) => t.includes('Knowledge:'))!;
      expect(system.startsWith('You are Pia, the billing desk of Acme.')).toBe(true);
      expect(system).toContain(LORE_INSTRUCTIONS);
      expect(system).not.toContain('You are Lore');
    } finally {
      await agent.close();
    }
  });

  it('registers the tools of tool sources and closes the sources with the agent', async () => {
    const events: string[] = [];
    const source: ToolSource = {
      name: 'weather-plugin',
      load: async () => {
        events.push('load');
        return [defineTool({ name: 'weather_report', description: 'The weather report for a city.', input: z.object({ query: z.string() }), handler: ({ query }) => `sunny: ${query}` })];
      },
      close: async () => void events.push('close'),
    };
    const agent = await createAgent({ dbPath: ':memory:', logLevel: 'silent', evaluate: false, toolSources: [source] });
    expect(agent.tools.map((t) => t.name)).toContain('weather_report');
    const r = await agent.ask('Give me the weather report for Lisbon');
    expect(r.toolCalls.map((t) => [t.name, t.status])).toEqual([['weather_report', 'success']]);
    await agent.close();
    await agent.close();
    expect(events).toEqual(['load', 'close']);
  });

  it('says what is wrong with a definition, and where', async () => {
    const bad = { name: 'bad name', description: 'x', input: z.object({}), handler: () => 1 };
    await expect(createAgent({ dbPath: ':memory:', tools: [bad as never] })).rejects.toThrow(/^createAgent\(\): tools\[0\]\.name: expected a name matching \^/);
    await expect(createAgent({ dbPath: ':memory:', memory: { topK: 0 } })).rejects.toThrow(/^createAgent\(\): memory\.topK: expected at least 1, got 0/);
    const stringInput = { name: 'echo', description: 'Echo a text.', input: z.string(), handler: (t: string) => t };
    await expect(createAgent({ dbPath: ':memory:', tools: [stringInput as never] })).rejects.toThrow(
      /^createAgent\(\): tools\[0\]\.input: expected an object schema \(z\.object\(\{ … \}\)\): models pass tool arguments as a JSON object, got a "string" schema$/,
    );
    await expect(createAgent({ dbPath: ':memory:', ...({ colour: 'blue' } as object) })).rejects.toThrow(/unknown key "colour"/);
    await expect(createAgent({ dbPath: ':memory:', schedules: [{ name: 'x', cron: '61 * * * *', message: 'hi' }] })).rejects.toThrow(/schedules\[0\]\.cron: invalid schedule/);
    await expect(createAgent({ dbPath: ':memory:', approvals: { rules: [{ tool: 'nope' }] } })).rejects.toThrow(/approvals\.rules\[0\]\.tool: no tool named "nope"/);
    const failing: ToolSource = { name: 'down', load: () => Promise.reject(new Error('connection refused')), close: async () => {} };
    await expect(createAgent({ dbPath: ':memory:', toolSources: [failing] })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/tool source "down" failed to load: connection refused/) });
  });

  it('ingests one document and says what one looks like when given something else', async () => {
    const agent = await createAgent({ dbPath: ':memory:', logLevel: 'silent', evaluate: false });
    try {
      const doc = await agent.knowledge.ingest({ sourceUri: 'docs/api.md', text: 'The internal API rate limit is 100 req/s.' });
      expect(doc.sourceUri).toBe('docs/api.md');
      expect((await agent.knowledge.search('rate limit')).map((h) => h.sourceUri)).toEqual(['docs/api.md']);
      // An array (a common guess) and a misspelt key are refused with the expected shape, nothing written.
      await expect(agent.knowledge.ingest([{ sourceUri: 'x.md', text: 'y' }] as never)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/^knowledge\.ingest\(\) takes one document \{ sourceUri, text, tenantId\? \}: the argument: /),
      });
      await expect(agent.knowledge.ingest({ source: 'x.md', text: 'y' } as never)).rejects.toThrow(/sourceUri/);
      expect((await agent.knowledge.search('rate limit')).length).toBe(1);
    } finally {
      await agent.close();
    }
    await expect(agent.knowledge.ingest({ sourceUri: 'late.md', text: 'after close' })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
