import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AguiEvent } from '../../src/ingress/agui-schemas.js';
import { habitModel, startInteropStack, type InteropStack } from './stack.js';

/**
 * What a team generating a client from /openapi.json gets: openapi-typescript turns the document
 * into types, a small openapi-fetch client (below, no casts) type-checks under `strict`, and then
 * runs against the server: the JSON answer and the SSE events are typed apart, and each streamed
 * event is one of the documented event schemas.
 */
const CLIENT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

type AguiEvent = components['schemas']['AguiEvent'];

/** What one streamed event contributes to a log line: every event type is a typed variant. */
function describe(e: AguiEvent): string {
  switch (e.type) {
    case 'RUN_STARTED': return 'start ' + e.threadId;
    case 'TEXT_MESSAGE_CONTENT': return 'text ' + e.delta;
    case 'TOOL_CALL_START': return 'tool ' + e.toolCallName;
    case 'TOOL_CALL_RESULT': return 'result ' + e.content.length;
    case 'CUSTOM': return 'learned ' + e.value.fact;
    case 'RUN_FINISHED': return 'done ' + e.outcome.type + ' ' + e.result.answer;
    case 'RUN_ERROR': return 'error ' + e.message;
    default: return e.type;
  }
}

export async function run(baseUrl: string): Promise<{ answer: string; tools: string[]; stream: string[]; queued: string }> {
  const api = createClient<paths, 'application/json'>({ baseUrl });
  const turn = await api.POST('/chat', { body: { session_id: 'typed-client', message: 'please refund 40' } });
  if (turn.error) throw new Error(turn.error.error.message);
  // 200 is a ChatResponse; a 202 is either a queued turn (status_url) or a parked one.
  const answer: string = 'status_url' in turn.data ? '' : turn.data.answer;
  const tools: string[] = 'status_url' in turn.data ? [] : turn.data.tool_calls.map((t) => t.name);

  const sse = createClient<paths, 'text/event-stream'>({ baseUrl });
  const streamed = await sse.POST('/chat', { body: { session_id: 'typed-client', message: 'remember the deploy window' }, headers: { accept: 'text/event-stream' }, parseAs: 'text' });
  const stream: string[] = [];
  for (const line of (streamed.data ?? '').split('\\n')) {
    if (!line.startsWith('data: ')) continue;
    const event: AguiEvent = JSON.parse(line.slice(6));
    stream.push(describe(event));
  }
  const health = await api.GET('/healthz');
  return { answer, tools, stream, queued: health.data ? health.data.status : 'unknown' };
}
`;

let s: InteropStack;
let dir: string;

beforeAll(async () => {
  s = await startInteropStack(habitModel());
  dir = mkdtempSync(join(tmpdir(), 'lore-openapi-client-'));
  // The generated client resolves openapi-fetch from this repository's node_modules.
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
});
afterAll(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a client generated from /openapi.json', () => {
  it('type-checks without casts and calls the server', async () => {
    const doc = (await (await fetch(`${s.url}/openapi.json`)).json()) as Record<string, unknown>;
    writeFileSync(join(dir, 'schema.d.ts'), astToString(await openapiTS(doc as never)));
    writeFileSync(join(dir, 'client.ts'), CLIENT);
    expect(CLIENT).not.toMatch(/\bas\s+(?!const\b)[A-Za-z{[]|<[A-Za-z]+>\s*[a-z(]|!\./);

    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);

    mkdirSync(join(dir, 'out'), { recursive: true });
    const js = ts.transpileModule(CLIENT, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, 'client.mjs'), js);
    const client = (await import(pathToFileURL(join(dir, 'client.mjs')).href)) as { run(baseUrl: string): Promise<{ answer: string; tools: string[]; stream: string[]; queued: string }> };
    const r = await client.run(s.url);
    expect(r.answer).toMatch(/^Done: .*"status":"issued"/);
    expect(r.tools).toEqual(['issue_refund']);
    expect(r.stream[0]).toBe('start typed-client');
    expect(r.stream).toContain('learned The deploy window for the payments team is Tuesday 14:00 UTC.');
    expect(r.stream.at(-1)).toMatch(/^done success Noted\./);
  });

  it('documents every event the stream sends (strict schemas)', async () => {
    const res = await fetch(`${s.url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ session_id: 'typed-events', message: 'please refund 40' }),
    });
    const events = (await res.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as unknown);
    expect(events.length).toBeGreaterThan(5);
    for (const e of events) expect(AguiEvent.safeParse(e).error?.issues ?? [], JSON.stringify(e)).toEqual([]);
  });
});
