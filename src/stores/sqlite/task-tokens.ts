import type { ParkedTask, TaskTokenStore } from '../../aws/task-tokens.js';
import type { SqliteDatabase } from './database.js';

/**
 * The task-token store on the runtime's SQLite database. Its own table, created on first use: it
 * exists only in the Step Functions deployment, so it is not part of the embedded schema.
 */
export class SqliteTaskTokenStore implements TaskTokenStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS aws_task_tokens (
      run_id TEXT PRIMARY KEY,
      tenant_id TEXT NOT NULL,
      task_token TEXT NOT NULL,
      state_json TEXT NOT NULL,
      parked_at INTEGER NOT NULL
    )`);
  }

  async park(t: ParkedTask): Promise<void> {
    // A re-delivered AwaitApproval invocation carries a new token: the newest one is the live one.
    this.db
      .prepare(`INSERT INTO aws_task_tokens (run_id, tenant_id, task_token, state_json, parked_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(run_id) DO UPDATE SET task_token = excluded.task_token, state_json = excluded.state_json, parked_at = excluded.parked_at`)
      .run(t.runId, t.tenantId, t.taskToken, JSON.stringify(t.state), t.parkedAt);
  }

  async get(runId: string): Promise<ParkedTask | null> {
    return rowToTask(this.db.prepare('SELECT * FROM aws_task_tokens WHERE run_id = ?').get(runId) as Row | undefined);
  }

  async take(runId: string): Promise<ParkedTask | null> {
    return rowToTask(this.db.prepare('DELETE FROM aws_task_tokens WHERE run_id = ? RETURNING *').get(runId) as Row | undefined);
  }
}

interface Row {
  run_id: string;
  tenant_id: string;
  task_token: string;
  state_json: string;
  parked_at: number;
}

const rowToTask = (r: Row | undefined): ParkedTask | null =>
  r ? { runId: r.run_id, tenantId: r.tenant_id, taskToken: r.task_token, state: JSON.parse(r.state_json) as ParkedTask['state'], parkedAt: r.parked_at } : null;
