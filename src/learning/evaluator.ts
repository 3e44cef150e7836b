import { createHash } from 'node:crypto';
import type { ModelProvider } from '../models/provider.js';
import type { EvaluationRecord, EvaluationStore } from './evaluation-store.js';
import type { FeedbackReads } from './feedback-store.js';
import type { Logger } from '../telemetry/logger.js';
import type { LoreMetrics } from '../telemetry/metrics.js';
import { judgeAnswer } from './judge.js';
import { mergeQuality } from './quality.js';

/** The turn as the evaluator records it, plus the context the judge may read. */
export interface EvaluatedTurn extends Pick<EvaluationRecord, 'runId' | 'tenantId' | 'sessionId' | 'userId' | 'question' | 'answer'> {
  context?: string;
}

export interface EvaluatorOptions {
  provider: ModelProvider;
  store: EvaluationStore;
  /** Where thumbs are read back (ratings and chat feedback). */
  feedback: FeedbackReads;
  sampleRate: number;
  lowScoreThreshold: number;
  metrics?: LoreMetrics;
  logger?: Logger;
  /** Judge calls in flight at once; more submissions wait (the turn path never does). */
  concurrency?: number;
  now?: () => number;
}

/**
 * LLM-as-judge after turns, asynchronously and sampled; merges human thumbs into a quality
 * score; the nightly job re-checks low-confidence turns and flags them for review.
 */
export class Evaluator {
  private readonly queue: EvaluatedTurn[] = [];
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly o: EvaluatorOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Same run, same decision: sampling hashes the run id instead of rolling dice. */
  sampled(runId: string): boolean {
    if (this.o.sampleRate >= 1) return true;
    if (this.o.sampleRate <= 0) return false;
    const h = createHash('sha256').update(runId).digest().readUInt32BE(0);
    return h / 0x1_0000_0000 < this.o.sampleRate;
  }

  /** Fire-and-forget after a turn. Never throws and never blocks the caller. */
  submit(turn: EvaluatedTurn): void {
    if (!this.sampled(turn.runId)) return;
    this.queue.push(turn);
    this.pump();
  }

  private pump(): void {
    while (this.inflight.size < (this.o.concurrency ?? 2) && this.queue.length) {
      const turn = this.queue.shift()!;
      const p = this.evaluate(turn)
        .catch((e) => this.o.logger?.warn({ err: e, runId: turn.runId }, 'evaluation failed'))
        .finally(() => {
          this.inflight.delete(p);
          this.pump();
        });
      this.inflight.add(p);
    }
  }

  /** Wait for queued and running evaluations (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inflight.size || this.queue.length) await Promise.all([...this.inflight]);
  }

  /** Judge one turn now and store the result (unscored when the judge cannot give a number). */
  async evaluate(turn: EvaluatedTurn, opts: { recheck?: boolean } = {}): Promise<EvaluationRecord> {
    const judged = await judgeAnswer(this.o.provider, { question: turn.question, answer: turn.answer, ...(turn.context ? { context: turn.context } : {}) });
    const thumbs = await this.o.feedback.thumbs({ tenantId: turn.tenantId, runId: turn.runId });
    const q = mergeQuality({ autoScore: judged.score, feedback: thumbs, threshold: this.o.lowScoreThreshold });
    const at = this.now();
    const previous = opts.recheck ? await this.o.store.get({ runId: turn.runId }) : null;
    const record: EvaluationRecord = {
      ...turn,
      autoScore: judged.score,
      judgeReason: judged.reason,
      judgeModel: this.o.provider.modelId,
      quality: q.score,
      lowConfidence: q.lowConfidence,
      flagged: false,
      judgedAt: previous?.judgedAt ?? at,
      ...(opts.recheck ? { recheckedAt: at } : {}),
    };
    await this.o.store.upsert({ evaluation: record });
    if (judged.score !== null) this.o.metrics?.turnScored({ score: judged.score, low: q.lowConfidence, tenant: turn.tenantId });
    return record;
  }

  /** Re-merge quality after new thumbs; returns the updated record, or null if never judged. */
  async refreshQuality(runId: string): Promise<EvaluationRecord | null> {
    const e = await this.o.store.get({ runId });
    if (!e) return null;
    const q = mergeQuality({ autoScore: e.autoScore, feedback: await this.o.feedback.thumbs({ tenantId: e.tenantId, runId }), threshold: this.o.lowScoreThreshold });
    const updated = { ...e, quality: q.score, lowConfidence: q.lowConfidence };
    await this.o.store.upsert({ evaluation: updated });
    return updated;
  }

  /**
   * The nightly review: re-merge feedback that arrived, re-judge turns that were low-confidence
   * or unscored, and flag those still below the threshold for a person (`lore review list`).
   */
  async nightly(opts: { lookbackMs?: number } = {}): Promise<{ rechecked: number; flagged: number }> {
    const since = this.now() - (opts.lookbackMs ?? 24 * 3600_000);
    for (const runId of await this.o.feedback.runsWithFeedbackSince({ since })) await this.refreshQuality(runId);
    let rechecked = 0;
    let flagged = 0;
    for (const e of await this.o.store.candidatesForRecheck({ since })) {
      const r = await this.evaluate(e, { recheck: true });
      rechecked++;
      if (r.lowConfidence || r.autoScore === null) {
        const reason = r.autoScore === null ? `unscored after re-check (${r.judgeReason})` : `quality ${r.quality?.toFixed(2)} < ${this.o.lowScoreThreshold} after re-check`;
        await this.o.store.upsert({ evaluation: { ...r, flagged: true, flagReason: reason } });
        flagged++;
      }
    }
    this.o.logger?.info({ rechecked, flagged }, 'nightly evaluation finished');
    return { rechecked, flagged };
  }
}
