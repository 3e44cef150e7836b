import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { childLogger, createLogger, REDACTED, redactPaths } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream, records: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

describe('createLogger', () => {
  it('writes JSON lines with a level label and ISO time', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    log.info({ a: 1 }, 'hello');
    log.debug('hidden');
    const [rec, ...rest] = out.records();
    expect(rest).toHaveLength(0);
    expect(rec).toMatchObject({ level: 'info', msg: 'hello', a: 1 });
    expect(new Date(rec!.time).toISOString()).toBe(rec!.time);
  });

  it('redacts secrets and PII at the top level, nested, in headers and in arrays', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    log.info(
      {
        password: 'hunter2',
        apiKey: 'sk-1',
        token: 't',
        email: 'a@b.c',
        user: { email: 'x@y.z', phone: '+1 555', ssn: '123-45-6789', name: 'Ann' },
        req: { headers: { authorization: 'Bearer abc', 'x-api-key': 'k', cookie: 'c=1', accept: 'json' } },
        payment: { creditCard: '4111 1111 1111 1111' },
        config: { modelCall: { apiKey: 'sk-2' }, auth: { hs256Secret: 's'.repeat(32) } },
        users: [{ email: 'p@q.r', id: 1 }],
        secret: 's',
      },
      'login',
    );
    const rec = out.records()[0]!;
    expect(rec.password).toBe(REDACTED);
    expect(rec.apiKey).toBe(REDACTED);
    expect(rec.token).toBe(REDACTED);
    expect(rec.email).toBe(REDACTED);
    expect(rec.secret).toBe(REDACTED);
    expect(rec.user).toEqual({ email: REDACTED, phone: REDACTED, ssn: REDACTED, name: 'Ann' });
    expect(rec.req.headers).toEqual({ authorization: REDACTED, 'x-api-key': REDACTED, cookie: REDACTED, accept: 'json' });
    expect(rec.payment.creditCard).toBe(REDACTED);
    expect(rec.config.modelCall.apiKey).toBe(REDACTED);
    expect(rec.config.auth.hs256Secret).toBe(REDACTED);
    expect(rec.users).toEqual([{ email: REDACTED, id: 1 }]);
    const raw = JSON.stringify(rec);
    for (const leaked of ['hunter2', 'sk-1', 'sk-2', 'a@b.c', 'Bearer abc', '4111', '123-45-6789']) expect(raw).not.toContain(leaked);
  });

  it('redacts extra keys given by the caller', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream, redactKeys: ['iban'] });
    log.info({ account: { iban: 'DE00' } });
    expect(out.records()[0]!.account.iban).toBe(REDACTED);
  });

  it('builds bracket paths for keys that are not identifiers', () => {
    expect(redactPaths(['x-api-key'])).toEqual(['["x-api-key"]', '*["x-api-key"]', '*.*["x-api-key"]', '*[*]["x-api-key"]']);
    expect(redactPaths(['email'])).toEqual(['email', '*.email', '*.*.email', '*[*].email']);
  });
});

describe('childLogger', () => {
  it('puts the correlation ids on every line, also redacted lines', () => {
    const out = capture();
    const log = childLogger(createLogger({ level: 'debug', destination: out.stream }), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      runId: 'run_1',
      sessionId: 'ses_1',
      tenantId: undefined,
    });
    log.info('one');
    log.debug({ password: 'p' }, 'two');
    const recs = out.records();
    expect(recs).toHaveLength(2);
    for (const r of recs) {
      expect(r).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', runId: 'run_1', sessionId: 'ses_1' });
      expect(r).not.toHaveProperty('tenantId');
    }
    expect(recs[1]!.password).toBe(REDACTED);
  });
});
