import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { configFrom } from '../context.js';
import { UsageError } from '../errors.js';

const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;

/** `lore backup <file>` (online, safe while serving) and `lore restore <file>` (server stopped). */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('Copy the database to <file> (SQLite online backup: consistent while `lore serve` runs)')
    .argument('<file>', 'where to write the backup (replaced if it exists)')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const [{ backupDatabase, restoreDatabase }, { defaultDbPath, openDatabase }] = await Promise.all([import('../../stores/sqlite/backup.js'), import('../../stores/sqlite/database.js')]);
      const dbPath = defaultDbPath((await configFrom(cmd)).dataDir);
      if (!existsSync(dbPath)) throw new UsageError(`no database at ${dbPath} (check --data-dir / LORE_DATA_DIR)`);
      const db = openDatabase(dbPath);
      try {
        const t0 = Date.now();
        const info = await backupDatabase(db, resolve(file));
        console.log(`Backed up ${dbPath} to ${info.path} (${mb(info.bytes)}, schema version ${info.schemaVersion}, integrity ok) in ${Date.now() - t0} ms.`);
      } finally {
        db.close();
      }
    });

  program
    .command('restore')
    .description('Replace the database with a backup (refused while a server or another command has it open)')
    .argument('<file>', 'a file written by `lore backup`')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const [{ backupDatabase, restoreDatabase }, { defaultDbPath, openDatabase }] = await Promise.all([import('../../stores/sqlite/backup.js'), import('../../stores/sqlite/database.js')]);
      const dbPath = defaultDbPath((await configFrom(cmd)).dataDir);
      const r = restoreDatabase(resolve(file), dbPath);
      console.log(`Restored ${dbPath} from ${resolve(file)} (${mb(r.bytes)}, schema version ${r.schemaVersion}).`);
      if (r.previous) console.log(`The database it replaced is kept as ${r.previous}.`);
    });
}
