import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

/** The scaffolded config: every line a user may want to change is there, commented. */
export const CONFIG_TEMPLATE = `// Lore agent configuration, loaded by \`lore serve\`, \`lore chat\` and \`lore ask\` from the working
// directory (or \`--config <path>\`). Settings have the same names as in the README's configuration
// table; env vars (LORE_MODEL, …) and command-line flags override what is set here.
import { defineConfig } from 'lore-agents';
import { issueRefund } from './tools/refund.js';

export default defineConfig({
  // offline (no network, deterministic) | bedrock:<modelId> | openai:<model>@<baseUrl>
  model: 'offline',
  dataDir: '.lore',

  // Who the agent is and how it answers. Lore appends its own instructions (how to use retrieved
  // knowledge, how to record what users teach it, how to use tools).
  systemPrompt: 'You are the support assistant of Acme. Answer briefly and politely.',

  // Your tools (see tools/refund.ts), next to the built-ins (calculator, current time, knowledge search).
  tools: [issueRefund],

  approvals: {
    // A refund above $1,000 parks the run until a person approves it (POST /approvals/:id,
    // \`lore approvals approve <id>\`, or the chat page).
    rules: [{ tool: 'issue_refund', field: 'amount', above: 1000 }],
    ttlSeconds: 24 * 3600,
  },

  // Turns run on a schedule by \`lore serve\` (5-field cron, UTC). Their runs are like any other.
  // schedules: [{ name: 'daily-digest', cron: '0 8 * * 1-5', message: 'Summarise what you learned yesterday.' }],

  // MCP servers whose tools the agent may call (see the MCP section of the README).
  // mcpServers: {},

  memory: { historyTurns: 10, topK: 5 },
});
`;

export const TOOL_TEMPLATE = `import { defineTool, z } from 'lore-agents';

/**
 * A tool the agent can call. \`mutating: true\` makes Lore run it at most once per call, even
 * across crashes and retries; pass ctx.idempotencyKey to APIs that accept one.
 */
export const issueRefund = defineTool({
  name: 'issue_refund',
  description: 'Issue a refund to a customer for an order. Use it when asked to refund an order; amounts are in US dollars.',
  input: z.object({
    order_id: z.string().min(1).describe('The order id, e.g. "A-1001"'),
    amount: z.number().positive().describe('Refund amount in USD'),
  }),
  mutating: true,
  handler: async ({ order_id, amount }, ctx) => {
    // Call your payment provider here, with ctx.idempotencyKey as its idempotency key.
    return { status: 'issued', order_id, amount, idempotency_key: ctx.idempotencyKey };
  },
});
`;

/** What `lore init` suggests trying first: it calls the sample tool and parks for approval (test: init.test.ts). */
export const INIT_TRY_MESSAGE = 'Please issue a refund of $1500 for order A-1001.';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Create lore.config.ts and a sample tool (tools/refund.ts) in the working directory')
    .option('--dir <dir>', 'where to create them', '.')
    .action((opts: { dir: string }) => {
      const files = [
        { path: join(opts.dir, 'lore.config.ts'), text: CONFIG_TEMPLATE },
        { path: join(opts.dir, 'tools', 'refund.ts'), text: TOOL_TEMPLATE },
      ];
      // All or nothing: one existing file and nothing is written.
      const existing = files.filter((f) => existsSync(f.path));
      if (existing.length) throw new UsageError(`${existing.map((f) => f.path).join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written`);
      for (const f of files) {
        mkdirSync(dirname(f.path), { recursive: true });
        writeFileSync(f.path, f.text, { flag: 'wx' });
        console.log(`created ${relative(process.cwd(), f.path) || f.path}`);
      }
      console.log(`\nNext: \`lore serve\` (or \`lore ask '${INIT_TRY_MESSAGE}'\`) in this directory.`);
    });
}
