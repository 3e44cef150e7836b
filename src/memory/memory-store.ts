/**
 * Long-term memory beyond the session window (README "Memory"): a rolling summary per session and
 * facts a user stated about themself. Both belong to one user: nothing here is ever shared with
 * the tenant, whatever the learning mode. Adapters: stores/sqlite/memory-store.ts.
 */

/** One session's rolling summary: covers every turn created at or before `coveredThrough`. */
export interface SessionSummaryRecord {
  tenantId: string;
  sessionId: string;
  userId: string;
  text: string;
  /** createdAt (epoch ms) of the newest turn the summary covers; older turns need no re-reading. */
  coveredThrough: number;
  /** How many turns the summary has folded in so far. */
  coveredTurns: number;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

/** A fact about the user themself ("I prefer email"), kept in their own memory only. */
export interface UserFact {
  id: string;
  tenantId: string;
  userId: string;
  text: string;
  /** Where it was learned (absent for facts the user typed in through the control API). */
  sessionId?: string;
  runId?: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

/** What reached a prompt: the kind and id of each memory item (GET /runs/:id shows it). */
export interface MemoryRef {
  /** summary = this session's rolling summary, past_summary = another session's (id = session id). */
  kind: 'summary' | 'past_summary' | 'user_fact';
  id: string;
}

export interface PutSummaryParams {
  tenantId: string;
  sessionId: string;
  userId: string;
  text: string;
  coveredThrough: number;
  coveredTurns: number;
  /**
   * Compare-and-set: the coveredThrough the writer read (null = none yet). The write happens only
   * when the stored summary still has it, so two summarisers never both fold the same turns in.
   */
  expected: number | null;
  ttlSeconds: number;
  now?: number;
}

export interface MemoryStore {
  getSummary(p: { tenantId: string; sessionId: string; now?: number }): Promise<SessionSummaryRecord | null>;
  /** Returns whether it was written (false: another writer got there first, or coverage would not advance). */
  putSummary(p: PutSummaryParams): Promise<boolean>;
  /** The user's session summaries best matching `query` (all words optional), best first. */
  searchSummaries(p: { tenantId: string; userId: string; query: string; limit: number; excludeSessionId?: string; now?: number }): Promise<SessionSummaryRecord[]>;
  listSummaries(p: { tenantId: string; userId: string; now?: number }): Promise<SessionSummaryRecord[]>;
  deleteSummary(p: { tenantId: string; userId: string; sessionId: string }): Promise<boolean>;
  /**
   * Replace the text of one of the user's summaries, keeping its coverage (what a forgotten fact
   * leaves of it); false when the user has no such live summary.
   */
  rewriteSummary(p: { tenantId: string; userId: string; sessionId: string; text: string; now?: number }): Promise<boolean>;

  /** Idempotent on id: a re-run of the same step returns the fact it wrote. */
  addFact(p: { id: string; tenantId: string; userId: string; text: string; sessionId?: string; runId?: string; ttlSeconds: number; now?: number }): Promise<UserFact>;
  /** Newest first. */
  listFacts(p: { tenantId: string; userId: string; limit?: number; now?: number }): Promise<UserFact[]>;
  getFact(p: { tenantId: string; userId: string; id: string; now?: number }): Promise<UserFact | null>;
  /** Correct a fact's text (it keeps its id); null when the user has no such fact. */
  updateFact(p: { tenantId: string; userId: string; id: string; text: string; ttlSeconds: number; now?: number }): Promise<UserFact | null>;
  deleteFact(p: { tenantId: string; userId: string; id: string }): Promise<boolean>;

  /** Everything remembered about the user: facts and session summaries. */
  forgetUser(p: { tenantId: string; userId: string }): Promise<{ facts: number; summaries: number }>;
  /** Delete what outlived its retention. */
  purgeExpired(p?: { now?: number }): Promise<{ facts: number; summaries: number }>;

  recordRunMemory(p: { tenantId: string; runId: string; userId: string; refs: MemoryRef[] }): Promise<void>;
  runMemory(p: { tenantId: string; runId: string }): Promise<MemoryRef[]>;
}
