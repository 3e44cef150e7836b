import { LoreError } from '../../errors.js';
import type { ContentBlock } from '../../models/types.js';
import type { NewTurn, Turn } from '../../memory/session-store.js';

/** Item shapes of the sessions table. */

export const META_SK = 'META';

export interface TurnItem {
  pk: string;
  /** T#R#run#role for a run's turn (the idempotence key), T#I#id otherwise. */
  sk: string;
  id: string;
  tenantId: string;
  sessionId: string;
  userId: string;
  role: Turn['role'];
  /** ContentBlock[] as JSON. */
  content: string;
  inputTokens: number;
  outputTokens: number;
  traceId?: string;
  runId?: string;
  createdAt: number;
  expiresAt: number;
  ttl: number;
  gTime: string;
  gRun?: string;
}

export interface MetaItem {
  pk: string;
  sk: typeof META_SK;
  tenantId: string;
  sessionId: string;
  /** The owner: the first user of the session's live stretch. */
  userId: string;
  createdAt: number;
  /** The newest turn's expiry: the session is live while any turn is. */
  expiresAt: number;
  lastAt: number;
  ttl: number;
  version: number;
  gUser: string;
  gLast: string;
}

/** The same checks as the SQLite adapter, before anything is written (all or nothing). */
export function validateTurn(t: NewTurn): void {
  for (const key of ['tenantId', 'sessionId', 'userId'] as const) {
    if (typeof t[key] !== 'string' || t[key] === '') throw new LoreError('VALIDATION_FAILED', `turn.${key} is required`);
  }
  if (t.role !== 'user' && t.role !== 'assistant') throw new LoreError('VALIDATION_FAILED', `turn.role must be user or assistant`);
  if (!Array.isArray(t.content)) throw new LoreError('VALIDATION_FAILED', 'turn.content must be an array of content blocks');
}

export function turnItem(t: NewTurn & { id: string; createdAt: number; expiresAt: number }, gTime: string, ttl: number): TurnItem {
  return {
    pk: `${t.tenantId}#${t.sessionId}`,
    sk: t.runId ? `T#R#${t.runId}#${t.role}` : `T#I#${t.id}`,
    id: t.id,
    tenantId: t.tenantId,
    sessionId: t.sessionId,
    userId: t.userId,
    role: t.role,
    content: JSON.stringify(t.content),
    inputTokens: t.inputTokens ?? 0,
    outputTokens: t.outputTokens ?? 0,
    ...(t.traceId !== undefined ? { traceId: t.traceId } : {}),
    ...(t.runId ? { runId: t.runId, gRun: `${t.tenantId}#${t.runId}` } : {}),
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    ttl,
    gTime,
  };
}

export function fromTurnItem(i: TurnItem): Turn {
  const turn: Turn = {
    id: i.id,
    tenantId: i.tenantId,
    sessionId: i.sessionId,
    userId: i.userId,
    role: i.role,
    content: JSON.parse(i.content) as ContentBlock[],
    inputTokens: i.inputTokens,
    outputTokens: i.outputTokens,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
  };
  if (i.traceId !== undefined) turn.traceId = i.traceId;
  if (i.runId !== undefined) turn.runId = i.runId;
  return turn;
}
