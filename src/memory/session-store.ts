import type { ContentBlock } from '../models/types.js';

/** Episodic memory: the turns of a session, kept for a TTL. */
export interface Turn {
  id: string;
  tenantId: string;
  sessionId: string;
  userId: string;
  role: 'user' | 'assistant';
  content: ContentBlock[];
  inputTokens: number;
  outputTokens: number;
  traceId?: string;
  /** The workflow run that wrote it; (runId, role) is unique so a re-run never writes a turn twice. */
  runId?: string;
  createdAt: number;
  expiresAt: number;
}

export type NewTurn = Omit<Turn, 'id' | 'createdAt' | 'expiresAt'> & { id?: string; createdAt?: number; ttlSeconds?: number };

export interface SessionSummary {
  tenantId: string;
  sessionId: string;
  /** The user who started the session; only they may read it. */
  userId: string;
  turnCount: number;
  firstAt: number;
  lastAt: number;
}

export interface SessionStore {
  /** Append turns atomically (all or none). Turns whose (runId, role) already exist are skipped. */
  appendTurns(params: { turns: NewTurn[] }): Promise<Turn[]>;
  /**
   * Replace the text of a run's turn, e.g. the answer once the fate of its learnings is known.
   * Idempotent; returns whether a turn changed.
   */
  setTurnText(params: { tenantId: string; runId: string; role: 'user' | 'assistant'; text: string }): Promise<boolean>;
  /**
   * The last `limit` unexpired turns of a session, oldest first; with `since`, only turns created
   * strictly after it (the summariser reads just what its coverage mark has not folded in yet).
   */
  recentTurns(params: { tenantId: string; sessionId: string; limit: number; since?: number; now?: number }): Promise<Turn[]>;
  getSession(params: { tenantId: string; sessionId: string; now?: number }): Promise<SessionSummary | null>;
  /**
   * Who owns the session: the `userId` of getSession, without counting its turns (a point lookup,
   * for access checks on every request). Null when getSession would be null.
   */
  sessionOwner(params: { tenantId: string; sessionId: string; now?: number }): Promise<string | null>;
  listSessions(params: { tenantId: string; userId: string; limit?: number; now?: number }): Promise<SessionSummary[]>;
  /** Returns the number of turns deleted. */
  deleteSession(params: { tenantId: string; sessionId: string }): Promise<number>;
  /** Delete expired turns; returns how many. */
  purgeExpired(params?: { now?: number }): Promise<number>;
}
