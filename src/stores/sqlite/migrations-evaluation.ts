import type { Migration } from './migrations.js';

/** Tables of the evaluator (versions 300+). Feedback itself lives in the ingress migrations. */
export const evaluationMigrations: Migration[] = [
  {
    version: 300,
    name: 'evaluations',
    up: `
      -- One row per judged (or judge-attempted) run. auto_score NULL = unscored (judge failed or
      -- replied nonsense twice). quality is the merge of auto_score and thumbs (see quality.ts).
      CREATE TABLE evaluations (
        run_id         TEXT PRIMARY KEY,
        tenant_id      TEXT NOT NULL,
        session_id     TEXT NOT NULL,
        user_id        TEXT NOT NULL,
        question       TEXT NOT NULL,
        answer         TEXT NOT NULL,
        auto_score     REAL,
        judge_reason   TEXT NOT NULL,
        judge_model    TEXT NOT NULL,
        quality        REAL,
        low_confidence INTEGER NOT NULL DEFAULT 0,
        flagged        INTEGER NOT NULL DEFAULT 0,
        flag_reason    TEXT,
        judged_at      INTEGER NOT NULL,
        rechecked_at   INTEGER
      );
      CREATE INDEX evaluations_review ON evaluations (tenant_id, flagged, judged_at);
      CREATE INDEX evaluations_low ON evaluations (low_confidence, judged_at);
    `,
  },
];
