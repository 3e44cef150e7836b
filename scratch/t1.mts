import { createOfflineProvider } from '/work/main/src/models/offline/index.ts';
import { runAgentLoop } from '/work/main/src/agent/loop.ts';
import { ToolRegistry } from '/work/main/src/tools/registry.ts';
import { builtinTools } from '/work/main/src/tools/builtins/index.ts';
const tools = new ToolRegistry(builtinTools());
const r = await runAgentLoop({ provider: createOfflineProvider(), tools, system: [{text:'You are Lore.'}], messages: [{role:'user', content:[{text:'what is 17*23?'}]}], identity:{sessionId:'s',userId:'u',tenantId:'t',traceId:'tr'}, maxIterations:5, turnTokenBudget:50000, toolTimeoutMs:1000, stream: true }, (e)=> { if (e.type==='text_delta') process.stdout.write('['+e.text+']'); });
console.log('\n', JSON.stringify(r, null, 1));
const r2 = await runAgentLoop({ provider: createOfflineProvider(), tools, system: [{text:'You are Lore.'}, {text:'<semantic_memory>\n[Source: docs/api.md | score: 1.00]\nThe internal API rate limit is 100 req/s. Auth uses OAuth.\n\n[Source: learnings/x.md | score: 0.9 | learning]\nThe rate limit was increased to 500 req/s last month.\n</semantic_memory>'}], messages: [{role:'user', content:[{text:'What is the rate limit of our internal API?'}]}], identity:{sessionId:'s',userId:'u',tenantId:'t',traceId:'tr'}, maxIterations:5, turnTokenBudget:50000, toolTimeoutMs:1000 });
console.log(r2.text);
