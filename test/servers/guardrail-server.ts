import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking Bedrock Runtime's ApplyGuardrail wire format
 * (`POST /guardrail/{id}/version/{v}/apply`, restJson1), with a small guardrail of its own so the
 * adapter is tested against behaviour, not canned replies: a denied topic ("investments"), a
 * prompt-attack content filter, e-mail and SSN anonymisation, and a blocked-word list. Unknown
 * guardrail ids answer ResourceNotFoundException; `throttleNext` answers ThrottlingException.
 */

export interface RecordedGuardRequest {
  path: string;
  guardrailId: string;
  version: string;
  headers: IncomingMessage['headers'];
  body: { source: string; content: Array<{ text: { text: string } }>; outputScope?: string };
}

export interface GuardrailServer {
  url: string;
  requests: RecordedGuardRequest[];
  /** Guardrail ids this server knows. */
  known: Set<string>;
  throttleNext: number;
  close(): Promise<void>;
}

const ROUTE = /^\/guardrail\/([^/]+)\/version\/([^/]+)\/apply$/;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const SSN = /\b\d{3}-\d{2}-\d{4}\b/g;
const BLOCKED_MESSAGE = 'Sorry, the model cannot answer this question.';

function apply(source: string, text: string) {
  const topics = /\binvest(?:ment|ing)?s?\b|\bstocks?\b/i.test(text) ? [{ name: 'Investments', type: 'DENY', action: 'BLOCKED', detected: true }] : [];
  const filters = source === 'INPUT' && /ignore (?:all )?(?:previous|prior) instructions/i.test(text) ? [{ type: 'PROMPT_ATTACK', confidence: 'HIGH', filterStrength: 'HIGH', action: 'BLOCKED', detected: true }] : [];
  const customWords = /\bcompetitorx\b/i.test(text) ? [{ match: 'CompetitorX', action: 'BLOCKED', detected: true }] : [];
  const piiEntities = [
    ...[...text.matchAll(EMAIL)].map((m) => ({ match: m[0], type: 'EMAIL', action: 'ANONYMIZED', detected: true })),
    ...[...text.matchAll(SSN)].map((m) => ({ match: m[0], type: 'US_SOCIAL_SECURITY_NUMBER', action: 'ANONYMIZED', detected: true })),
  ];
  const blocked = topics.length + filters.length + customWords.length > 0;
  const intervened = blocked || piiEntities.length > 0;
  const assessment = {
    ...(topics.length ? { topicPolicy: { topics } } : {}),
    ...(filters.length ? { contentPolicy: { filters } } : {}),
    ...(customWords.length ? { wordPolicy: { customWords, managedWordLists: [] } } : {}),
    ...(piiEntities.length ? { sensitiveInformationPolicy: { piiEntities, regexes: [] } } : {}),
    invocationMetrics: { guardrailProcessingLatency: 3, usage: { topicPolicyUnits: 1, contentPolicyUnits: 1 }, guardrailCoverage: { textCharacters: { guarded: text.length, total: text.length } } },
  };
  const anonymised = text.replace(EMAIL, '{EMAIL}').replace(SSN, '{US_SOCIAL_SECURITY_NUMBER}');
  return {
    usage: { topicPolicyUnits: 1, contentPolicyUnits: 1, wordPolicyUnits: 1, sensitiveInformationPolicyUnits: 1, sensitiveInformationPolicyFreeUnits: 0, contextualGroundingPolicyUnits: 0 },
    action: intervened ? 'GUARDRAIL_INTERVENED' : 'NONE',
    ...(intervened ? { actionReason: blocked ? 'Guardrail blocked.' : 'Guardrail masked.' } : {}),
    outputs: intervened ? [{ text: blocked ? BLOCKED_MESSAGE : anonymised }] : [],
    assessments: [assessment],
    guardrailCoverage: { textCharacters: { guarded: text.length, total: text.length } },
  };
}

export async function startGuardrailServer(): Promise<GuardrailServer> {
  const state: GuardrailServer = {
    url: '',
    requests: [],
    known: new Set(['gr-test']),
    throttleNext: 0,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = ROUTE.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return sendError(res, 404, 'UnknownOperationException', `no route ${req.method} ${req.url}`);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedGuardRequest['body'];
    const rec = { path: req.url!, guardrailId: decodeURIComponent(m[1]!), version: decodeURIComponent(m[2]!), headers: req.headers, body };
    state.requests.push(rec);
    if (state.throttleNext > 0) {
      state.throttleNext--;
      return sendError(res, 429, 'ThrottlingException', 'Rate exceeded');
    }
    if (!state.known.has(rec.guardrailId)) return sendError(res, 404, 'ResourceNotFoundException', `guardrail ${rec.guardrailId} not found`);
    if (!Array.isArray(body.content) || !['INPUT', 'OUTPUT'].includes(body.source)) return sendError(res, 400, 'ValidationException', 'source and content are required');
    const text = body.content.map((c) => c.text?.text ?? '').join('\n');
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'test-request' });
    res.end(JSON.stringify(apply(body.source, text)));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': 'test-request' });
  res.end(JSON.stringify({ message }));
}
