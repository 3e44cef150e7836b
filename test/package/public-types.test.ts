import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createAgent,
  type AguiEvent,
  type LearningEventValue,
  type LearningOutcome,
  type McpServerConfigInput,
  type ToolCallLog,
} from '../../src/index.js';

/**
 * What a TypeScript user of the package gets: the events and results they branch on are typed
 * (no `any` to fall through), and the types they annotate their own code with are exported.
 * `npx tsc --noEmit -p .` checks the compile-time half; the run checks the values match the types.
 */
describe('the public types', () => {
  it('a streamed learning is a typed CUSTOM event, and results name their parts', async () => {
    const agent = await createAgent({ dbPath: ':memory:', logLevel: 'silent', evaluate: false });
    try {
      await agent.knowledge.ingest({ sourceUri: 'docs/api.md', text: 'The internal API rate limit is 100 req/s.' });
      const learned: LearningEventValue[] = [];
      const stream = agent.stream('Update: the rate limit was increased to 500 req/s last month.', { sessionId: 'types' });
      for await (const e of stream) {
        if (e.type === 'CUSTOM') {
          expectTypeOf(e.name).toEqualTypeOf<'lore.learning'>();
          expectTypeOf(e.value.fact).toEqualTypeOf<string>();
          // @ts-expect-error — the value is typed, not `any`: a misspelt field does not compile.
          void e.value.fakt;
          learned.push(e.value);
        }
      }
      expect(learned.map((l) => l.event)).toEqual(['UPDATE']);
      expect(learned[0]!.fact).toContain('500 req/s');
      const r = await stream.result;
      expectTypeOf(r.learnings).toEqualTypeOf<LearningOutcome[]>();
      expectTypeOf(r.toolCalls).toEqualTypeOf<ToolCallLog[]>();
      expect(r.learnings[0]!.fact).toBe(learned[0]!.fact);
    } finally {
      await agent.close();
    }
  });

  it('AguiEvent narrows on type; an MCP server entry can be typed before it goes into mcpServers', () => {
    const e = { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm', delta: 'hi' } as AguiEvent;
    if (e.type === 'TEXT_MESSAGE_CONTENT') expectTypeOf(e.delta).toEqualTypeOf<string>();
    const shop: McpServerConfigInput = { transport: 'stdio', command: 'node', args: ['shop-mcp.js'], tools: { issue_refund: { requiresApproval: true } } };
    // @ts-expect-error — a misspelt transport is caught where the entry is typed.
    const typo: McpServerConfigInput = { transport: 'stdoi', command: 'node' };
    expect([shop.transport, typo.transport]).toEqual(['stdio', 'stdoi']);
  });
});
