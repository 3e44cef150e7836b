import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { createAgentService } from '../../src/service.js';
import { assertSchemaKnown, openDatabase } from '../../src/stores/sqlite/database.js';
import { tempDir } from '../workflow/fixtures.js';
import { sqliteDb } from '../../src/stores/sqlite/backend.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/schemas/', import.meta.url));
const released = readdirSync(FIXTURES).filter((f) => f.endsWith('.sql')).sort();

/** Tables, columns, indexes and foreign keys, comparable between two files built differently. */
function shape(db: Database.Database): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const objects = db.prepare(`SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{ type: string; name: string; tbl_name: string }>;
  for (const o of objects) {
    if (o.type === 'table') {
      out[`table ${o.name}`] = {
        columns: (db.pragma(`table_info("${o.name}")`) as Array<{ name: string; type: string; notnull: number; pk: number }>).map((c) => `${c.name} ${c.type} ${c.notnull} ${c.pk}`),
        fks: (db.pragma(`foreign_key_list("${o.name}")`) as Array<{ table: string; from: string }>).map((f) => `${f.from}->${f.table}`),
      };
    } else if (o.type === 'index') {
      out[`index ${o.name}`] = `${o.tbl_name}(${(db.pragma(`index_info("${o.name}")`) as Array<{ name: string }>).map((c) => c.name).join(',')})`;
    } else out[`${o.type} ${o.name}`] = o.tbl_name;
  }
  return out;
}

describe('migrating a database from every released schema', () => {
  const tmp = tempDir('lore-upgrade-');
  afterAll(() => tmp.cleanup());
  const fresh = openDatabase(join(tmp.dir, 'fresh.db'));
  const want = shape(fresh);
  fresh.close();

  it('has a fixture for every schema in the repository history', () => {
    expect(released.length).toBeGreaterThanOrEqual(5);
  });

  for (const file of released) {
    it(`${file}: upgrades to the current schema and serves turns, ingest and the queue`, async () => {
      const dataDir = join(tmp.dir, file.replace('.sql', ''));
      const path = join(dataDir, 'lore.db');
      mkdirSync(dataDir, { recursive: true });
      const seed = new Database(path);
      seed.exec(readFileSync(join(FIXTURES, file), 'utf8'));
      // Rows the upgrade must carry over (where that release had the tables).
      const hasRuns = !!seed.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'workflow_approvals'`).get();
      if (hasRuns) {
        seed.exec(`INSERT INTO workflow_runs (run_id, tenant_id, session_id, user_id, trace_id, message, status, current_state, created_at, updated_at)
          VALUES ('run_old', 'default', 's', 'u', 't', '"hi"', 'AWAITING_APPROVAL', 'Reason', 1, 1)`);
        seed.exec(`INSERT INTO workflow_approvals (approval_id, run_id, tenant_id, user_id, tool_use_id, tool, input, reason, status, created_at, expires_at)
          VALUES ('apr_old', 'run_old', 'default', 'u', 'tu', 'issue_refund', '{}', 'old', 'pending', 1, 2)`);
        seed.exec(`INSERT INTO workflow_progress (run_id, step, data, updated_at) VALUES ('run_old', 'Reason', '{}', 1)`);
      }
      seed.close();

      const db = openDatabase(path);
      expect(shape(db)).toEqual(want);
      if (hasRuns) {
        expect(db.prepare(`SELECT approval_id FROM workflow_approvals`).pluck().all()).toEqual(['apr_old']);
        expect(db.prepare(`SELECT count(*) FROM workflow_progress`).pluck().get()).toBe(1);
        // No reference to workflow_runs any more: a step under Step Functions has no local run row.
        db.prepare(`INSERT INTO workflow_progress (run_id, step, data, updated_at) VALUES ('run_elsewhere', 'Reason', '{}', 1)`).run();
      }
      expect(db.pragma('foreign_key_check')).toEqual([]);
      db.close();

      const rt = createRuntime(loadConfig({}, { dataDir, logLevel: 'silent' }));
      const svc = createAgentService(rt, { evaluate: false });
      try {
        await rt.knowledge.upsertDocument({ tenantId: 'default', sourceUri: 'docs/api.md', kind: 'document', text: 'The internal API rate limit is 100 req/s.' });
        const r = await svc.start({ tenantId: 'default', sessionId: 's', userId: 'u', message: 'What is the rate limit of our internal API?' });
        expect(r.status).toBe('COMPLETED');
        expect(r.answer).toMatch(/100/);
        expect(sqliteDb(rt).pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        await svc.close();
        rt.close();
      }
    });
  }

  it('refuses a database written by a newer schema, and changes nothing in it', () => {
    const path = join(tmp.dir, 'newer.db');
    openDatabase(path).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99999, ?, 0)').run('from_the_future');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = readFileSync(path);
    expect(() => openDatabase(path)).toThrow(/written by a newer version of Lore \(schema version 99999 unknown to this build/);
    expect(readFileSync(path).equals(before)).toBe(true);
    const ro = new Database(path, { readonly: true });
    expect(() => assertSchemaKnown(ro)).toThrow(/Refusing to open it/);
    ro.close();
  });
});
