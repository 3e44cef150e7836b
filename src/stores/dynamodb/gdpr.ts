import { createHash, randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, ScanCommand, UpdateCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ErasureReport } from '../../backend.js';
import { LoreError } from '../../errors.js';
import type { KnowledgeStore } from '../../memory/knowledge-store.js';
import { deleteKeys, type Dynamo } from './client.js';
import { redactRetrievedCopies } from './gdpr-redact.js';
import { pk as kpk, type DocItem } from './knowledge-items.js';
import type { DynamoKnowledgeStore } from './knowledge-store.js';

/**
 * Right to erasure on DynamoDB, item for item what the SQLite adapter (stores/sqlite/gdpr.ts)
 * removes: the user's sessions and turns, their runs (every item of the run's partition) and
 * whatever names those runs — approvals with their uniqueness guards, effects, feedback,
 * evaluations, long-term memory — and the learnings they wrote (deleted through the store first, so
 * a learning that had superseded an older fact gives it back, then every item of it hard-deleted:
 * document, source, chunks, supersessions, history, votes, run context). Documents they ingested
 * lose the user id from their provenance; history lines they authored and approvals they decided
 * keep the event and lose the actor. An audit item (subject only as a hash) is written to the
 * effects table, the write-once ledger, so the infra's table set stays the same.
 *
 * Erasure is rare and operator- or user-triggered, so tables without an index by user are read
 * with one filtered Scan each (tenant's items only are returned). Queue messages of the user's runs
 * are not touched: SQS cannot delete a message it has not delivered, a chat job holds only ids, and
 * a job whose run is gone fails NOT_FOUND into the DLQ.
 */

/** Same values as the SQLite adapter's, so audit lines read the same on every backend. */
export const ERASED_ACTOR = 'erased-user';
const subjectHash = (tenantId: string, userId: string) => createHash('sha256').update(`${tenantId}\u0000${userId}`).digest('hex');

type Item = Record<string, unknown> & { pk: string; sk?: string };

async function scanAll(d: Dynamo, input: ScanCommandInput): Promise<Item[]> {
  const out: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await d.doc.send(new ScanCommand({ ...input, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    out.push(...((r.Items ?? []) as Item[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

async function queryPartition(d: Dynamo, table: string, pk: string): Promise<Item[]> {
  const out: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await d.doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    out.push(...((r.Items ?? []) as Item[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

/** One tenant's items of a table (every port item carries tenantId). */
const tenantItems = (d: Dynamo, table: string, tenantId: string) =>
  scanAll(d, { TableName: table, FilterExpression: 'tenantId = :t', ExpressionAttributeValues: { ':t': tenantId } });

export async function eraseUserData(
  d: Dynamo,
  knowledge: KnowledgeStore,
  recent: DynamoKnowledgeStore,
  p: { tenantId: string; userId: string; requestedBy: string; now?: number },
): Promise<ErasureReport> {
  if (!p.userId || !p.tenantId) throw new LoreError('VALIDATION_FAILED', 'tenantId and userId are required');
  const { tenantId: t, userId: u } = p;
  const now = p.now ?? Date.now();
  const counts: Record<string, number> = {};
  const drop = async (name: string, table: string, items: Item[]) => {
    if (!items.length) return;
    await deleteKeys(d, table, items);
    counts[name] = (counts[name] ?? 0) + items.length;
  };
  const n = d.names;

  // The user's runs: theirs by owner, and any run a turn of theirs belongs to.
  const sessionItems = (await tenantItems(d, n.sessions, t)).filter((i) => i.userId === u);
  const runItems = (await tenantItems(d, n.runs, t)).filter((i) => i.sk === 'RUN');
  const runIds = new Set<string>([...runItems.filter((i) => i.userId === u).map((i) => i.pk), ...sessionItems.flatMap((i) => (typeof i.runId === 'string' ? [i.runId] : []))]);
  const ofUser = (i: Item) => i.userId === u || (typeof i.runId === 'string' && runIds.has(i.runId));

  // Learnings first, through the store: a delete restores whatever the learning had superseded.
  const docs = await recent.db.query<DocItem>(kpk.doc(t));
  const learnings = docs.filter((x) => x.kind === 'learning' && x.provenance?.userId === u);
  for (const l of learnings) await knowledge.deleteDocument({ tenantId: t, id: l.id, actor: ERASED_ACTOR, reason: 'erasure request' });

  // Runs: every item of each run's partition (run, steps, progress).
  // Counted as SQLite counts them: runs, and their step and progress rows.
  for (const runId of runIds) {
    const items = await queryPartition(d, n.runs, runId);
    await drop('workflow_runs', n.runs, items.filter((i) => i.sk === 'RUN'));
    await drop('workflow_steps', n.runs, items.filter((i) => i.sk !== 'RUN'));
  }
  await drop('turns', n.sessions, sessionItems);

  const approvals = await tenantItems(d, n.approvals, t);
  const erasedApprovals = approvals.filter(ofUser);
  await drop('workflow_approvals', n.approvals, [...erasedApprovals, ...erasedApprovals.map((a) => ({ pk: `U#${String(a.runId)}#${String(a.toolUseId)}` }))]);
  for (const a of approvals.filter((x) => !ofUser(x) && (x.decidedBy === u || x.decidedBy === `user:${u}`))) {
    await d.doc.send(new UpdateCommand({ TableName: n.approvals, Key: { pk: a.pk }, UpdateExpression: 'SET decidedBy = :e', ExpressionAttributeValues: { ':e': ERASED_ACTOR } }));
    counts.workflow_approvals = (counts.workflow_approvals ?? 0) + 1;
  }
  // The effect ledger keys on the call, not the tenant: its items name their run.
  if (runIds.size) await drop('workflow_effects', n.effects, (await scanAll(d, { TableName: n.effects, FilterExpression: 'attribute_exists(runId)' })).filter((i) => runIds.has(String(i.runId))));
  await drop('feedback', n.feedback, (await tenantItems(d, n.feedback, t)).filter((i) => ofUser(i) || (typeof i.targetRunId === 'string' && runIds.has(i.targetRunId))));
  await drop('evaluations', n.evaluations, (await tenantItems(d, n.evaluations, t)).filter(ofUser));
  // Long-term memory: summaries, facts and what reached each run (M#tenant#run).
  await drop('memory', n.memory, (await tenantItems(d, n.memory, t)).filter((i) => ofUser(i) || [...runIds].some((r) => i.pk === `M#${t}#${r}`)));

  // The knowledge table: every item of the erased learnings, their run context and votes, and
  // the history lines the user authored elsewhere.
  const kt = recent.db.table;
  const ids = new Set(learnings.map((l) => l.id));
  const tenantPrefix = kpk.meta(t).slice(0, -'META'.length);
  const kItems = await scanAll(d, { TableName: kt, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': tenantPrefix } });
  const runCtx = new Set([...runIds].map((r) => kpk.run(t, r)));
  const gone = kItems.filter((i) => {
    const docId = typeof i.docId === 'string' ? i.docId : typeof i.byDocId === 'string' ? i.byDocId : undefined;
    if (i.pk === kpk.doc(t)) return ids.has(String(i.sk));
    if (i.pk === kpk.src(t)) return ids.has(String(i.docId));
    if (i.pk === kpk.sup(t)) return ids.has(String(i.docId)) || ids.has(String(i.byDocId));
    if (runCtx.has(i.pk)) return true;
    if (i.pk.startsWith(`${tenantPrefix}RUN#`)) return ids.has(String(i.sk));
    if ([...ids].some((id) => i.pk === kpk.history(t, id) || i.pk === kpk.vote(t, id))) return true;
    if (i.pk.startsWith(`${tenantPrefix}VOTE#`)) return ofUser(i);
    return docId !== undefined && ids.has(docId) && i.pk === kpk.chunk(t);
  });
  // Other users' runs that retrieved an erased learning: its text leaves their checkpoints.
  const runCtxPrefix = kpk.run(t, '');
  const sawIt = kItems.filter((i) => i.pk.startsWith(runCtxPrefix) && ids.has(String(i.sk))).map((i) => decodeURIComponent(i.pk.slice(runCtxPrefix.length)));
  const texts = [...learnings.map((l) => l.text), ...kItems.filter((i) => i.pk === kpk.chunk(t) && ids.has(String(i.docId)) && typeof i.text === 'string').map((i) => String(i.text))];
  const redacted = await redactRetrievedCopies(d, n.runs, new Set(sawIt.filter((r) => !runIds.has(r))), texts);
  if (redacted) counts.workflow_steps = (counts.workflow_steps ?? 0) + redacted;
  await drop('documents', kt, gone);
  const actor = `user:${u}`;
  for (const h of kItems.filter((i) => !gone.includes(i) && i.pk.startsWith(`${tenantPrefix}HIS#`) && (i.actor === actor || i.actor === u))) {
    await d.doc.send(new UpdateCommand({ TableName: kt, Key: { pk: h.pk, sk: h.sk }, UpdateExpression: 'SET actor = :e REMOVE detail', ExpressionAttributeValues: { ':e': ERASED_ACTOR } }));
    counts.doc_history = (counts.doc_history ?? 0) + 1;
  }
  for (const doc of docs.filter((x) => !ids.has(x.id) && x.provenance?.userId === u)) {
    await d.doc.send(new UpdateCommand({ TableName: kt, Key: { pk: doc.pk, sk: doc.sk }, UpdateExpression: 'REMOVE provenance.userId, provenance.sessionId' }));
    counts.documents = (counts.documents ?? 0) + 1;
  }
  // Searches everywhere reload the tenant's index (the hard-deleted items leave it).
  await d.doc.send(new UpdateCommand({ TableName: kt, Key: { pk: kpk.meta(t), sk: 'version' }, UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': 1 } }));

  const erasureId = `gdpr_${randomUUID()}`;
  await d.doc.send(
    new PutCommand({
      TableName: n.effects,
      Item: { pk: `GDPR#${erasureId}`, kind: 'gdpr-erasure', id: erasureId, tenantId: t, subjectHash: subjectHash(t, u), requestedBy: p.requestedBy === u ? 'self' : p.requestedBy, at: now, counts },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { erasureId, tenantId: t, at: now, counts };
}
