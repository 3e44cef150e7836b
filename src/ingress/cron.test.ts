import { describe, expect, it } from 'vitest';
import { parseSchedule } from './cron.js';

const at = (s: string) => Date.parse(s);
const next = (expr: string, after: string) => new Date(parseSchedule(expr).next(at(after))).toISOString();

describe('parseSchedule', () => {
  it('runs the nightly evaluator at 02:00 UTC', () => {
    expect(next('0 2 * * *', '2025-03-10T01:59:00Z')).toBe('2025-03-10T02:00:00.000Z');
    expect(next('0 2 * * *', '2025-03-10T02:00:00Z')).toBe('2025-03-11T02:00:00.000Z');
    expect(next('0 2 * * *', '2025-12-31T03:00:00Z')).toBe('2026-01-01T02:00:00.000Z');
  });

  it('handles steps, ranges, lists and names', () => {
    expect(next('*/15 * * * *', '2025-01-01T00:16:30Z')).toBe('2025-01-01T00:30:00.000Z');
    expect(next('0 9-17/4 * * MON-FRI', '2025-01-04T00:00:00Z')).toBe('2025-01-06T09:00:00.000Z'); // Sat → Mon
    expect(next('30 6 1,15 * *', '2025-01-02T00:00:00Z')).toBe('2025-01-15T06:30:00.000Z');
    expect(next('0 0 * FEB *', '2025-03-01T00:00:00Z')).toBe('2026-02-01T00:00:00.000Z');
    expect(next('0 0 * * 7', '2025-01-01T00:00:00Z')).toBe('2025-01-05T00:00:00.000Z'); // 7 = Sunday
    expect(next('@hourly', '2025-01-01T10:20:00Z')).toBe('2025-01-01T11:00:00.000Z');
  });

  it('ORs day-of-month and day-of-week when both are restricted (Vixie cron)', () => {
    // 2025-01-03 is a Friday: matches by weekday before the 13th arrives.
    expect(next('0 0 13 * 5', '2025-01-01T00:00:00Z')).toBe('2025-01-03T00:00:00.000Z');
  });

  it('finds leap days', () => {
    expect(next('0 0 29 2 *', '2025-01-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('supports fixed intervals', () => {
    const s = parseSchedule('@every 10m');
    expect(s.kind).toBe('interval');
    expect(s.next(1000)).toBe(601_000);
  });

  it.each(['', '* * * *', '60 * * * *', '* 24 * * *', '0 0 31 2 *', '*/0 * * * *', '5-1 * * * *', 'a b c d e', '@every 5 weeks'])('rejects %j', (expr) => {
    expect(() => parseSchedule(expr)).toThrow(/invalid schedule/);
  });
});
