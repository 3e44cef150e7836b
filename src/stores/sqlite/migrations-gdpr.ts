import type { Migration } from './migrations.js';

export const gdprMigrations: Migration[] = [
  {
    version: 600,
    name: 'gdpr_erasures',
    up: `
      -- The record that an erasure happened: who asked, when, how many rows went. The subject is
      -- kept only as a hash (so a repeat request can be matched), never the id or any content.
      CREATE TABLE gdpr_erasures (
        id           TEXT PRIMARY KEY,
        tenant_id    TEXT NOT NULL,
        subject_hash TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        at           INTEGER NOT NULL,
        counts       TEXT NOT NULL              -- JSON { table: rows }
      );
      CREATE INDEX gdpr_erasures_tenant ON gdpr_erasures (tenant_id, at);
    `,
  },
];
