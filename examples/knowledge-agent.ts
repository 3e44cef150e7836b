/**
 * A knowledge agent: answers from ingested documents, learns what its users correct, and streams
 * its answers as AG-UI events (the same events `POST /chat` sends over SSE).
 *
 *   npx tsx examples/knowledge-agent.ts
 */
import { createAgent } from 'lore-agents';

// `:memory:` keeps this example's database in memory; pass `dataDir` to keep what it learns.
const agent = await createAgent({ dbPath: ':memory:', logLevel: 'silent', systemPrompt: 'You answer questions about our internal platform.' });

try {
  await agent.knowledge.ingest({ sourceUri: 'docs/api.md', text: 'The internal API has a rate limit of 100 req/s per client.' });

  const first = await agent.ask('What is the rate limit of our internal API?', { sessionId: 'a' });
  console.log(`before: ${first.answer}`);

  // A user corrects it: the agent writes a learning that supersedes the document's fact.
  const taught = await agent.ask('Update: the rate limit was increased to 500 req/s last month.', { sessionId: 'a' });
  console.log(`learned: ${taught.learnings.map((l) => `${l.event} "${l.fact}"`).join('; ')}`);

  // A different session (no shared conversation) gets the new fact, streamed token by token.
  process.stdout.write('after (streamed): ');
  const run = agent.stream('What is the rate limit of our internal API?', { sessionId: 'b' });
  for await (const event of run) {
    if (event.type === 'TEXT_MESSAGE_CONTENT') process.stdout.write(event.delta);
  }
  const result = await run.result;
  process.stdout.write(`\nstatus: ${result.status}\n`);

  const learnings = await agent.learnings.list();
  console.log(`learnings: ${learnings.map((d) => d.text).join(' | ')}`);
} finally {
  await agent.close();
}
