import { maskPii } from '../guardrails/stream-mask.js';
import { logContext } from './log-context.js';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names whose values never reach a log line: credentials and the PII the guardrails screen
 * for. Matching is by key name, so a secret logged under any of these keys is censored whatever
 * object it sits in (up to the depth `redactPaths` covers).
 */
export const SENSITIVE_KEYS: readonly string[] = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'x-api-key',
  'X-Api-Key',
  'x-amz-security-token',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'sessionToken',
  'apiKey',
  'api_key',
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'client_secret',
  'secretAccessKey',
  'hs256Secret',
  'privateKey',
  'email',
  'phone',
  'phoneNumber',
  'ssn',
  'creditCard',
  'credit_card',
  'cardNumber',
];

export const REDACTED = '[REDACTED]';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const seg = (key: string, first: boolean): string => (IDENT.test(key) ? `${first ? '' : '.'}${key}` : `["${key}"]`);

/**
 * pino redact paths for every sensitive key at the top level, one and two objects deep
 * (`req.headers.authorization` is two deep), and inside arrays of objects one level down.
 * pino has no recursive wildcard, and deeper patterns cost time on every line: keep secrets
 * out of deeply nested log objects instead.
 */
export function redactPaths(keys: readonly string[] = SENSITIVE_KEYS): string[] {
  return keys.flatMap((k) => [seg(k, true), `*${seg(k, false)}`, `*.*${seg(k, false)}`, `*[*]${seg(k, false)}`]);
}

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Where JSON lines go; defaults to stderr so a CLI's stdout stays clean for its own output. */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Fields on every line (e.g. `{service: 'lore'}`). */
  base?: Record<string, unknown>;
  /** Extra key names to censor, on top of SENSITIVE_KEYS. */
  redactKeys?: readonly string[];
}

/**
 * Key-based redaction cannot know that an error message or a field called `detail` quotes what a
 * user typed, so every line is also passed through the PII detectors on its way out. Placeholders
 * contain no quotes or backslashes, so the JSON line stays valid.
 */
export function piiMaskingStream(dest: DestinationStream | NodeJS.WritableStream): DestinationStream {
  return { write: (line: string) => (dest as DestinationStream).write(maskPii(line)) };
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = piiMaskingStream(options.destination ?? pino.destination({ dest: 2, sync: true }));
  return pino(
    {
      level: options.level,
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level as a label: readable in files and greppable without a level-number table.
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths([...SENSITIVE_KEYS, ...(options.redactKeys ?? [])]), censor: REDACTED },
      // traceId / runId / sessionId of the run being executed, when there is one.
      mixin: () => ({ ...logContext() }),
    },
    destination,
  );
}

export interface LogCorrelation {
  traceId?: string;
  runId?: string;
  sessionId?: string;
  tenantId?: string;
}

/** A child logger whose every line carries the correlation ids (undefined ones are left out). */
export function childLogger(logger: Logger, ids: LogCorrelation): Logger {
  const bindings: Record<string, string> = {};
  for (const [k, v] of Object.entries(ids)) if (typeof v === 'string' && v !== '') bindings[k] = v;
  return logger.child(bindings);
}
