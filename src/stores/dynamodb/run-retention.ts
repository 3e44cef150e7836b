import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { deleteKeys, queryAll, type Dynamo } from './client.js';
import { pk as kpk } from './knowledge-items.js';
import { padTime } from './tables.js';

/**
 * Retention of finished runs on DynamoDB, what stores/sqlite/run-retention.ts removes: runs that
 * COMPLETED or FAILED before `createdBefore` (the byStatus index, oldest first) with every item of
 * their partition (steps, progress), their decided approvals and uniqueness guards (byRun index),
 * which memory and knowledge reached them, and their effect-ledger entries. The ledger is keyed by
 * call, so those are found with one Scan of the effects table per call (keys and run ids only): a
 * maintenance job, run hourly. Feedback, evaluations and votes stay, as on SQLite.
 */
export async function purgeFinishedRuns(d: Dynamo, knowledgeTable: string, p: { createdBefore: number; limit: number }): Promise<number> {
  const n = d.names;
  const runs: Array<{ runId: string; tenantId: string }> = [];
  for (const status of ['COMPLETED', 'FAILED'] as const) {
    if (runs.length >= p.limit) break;
    const items = await queryAll<{ pk: string; tenantId: string }>(
      d,
      {
        TableName: n.runs,
        IndexName: 'byStatus',
        KeyConditionExpression: 'gStatus = :s AND gCreated < :c',
        ExpressionAttributeValues: { ':s': status, ':c': padTime(p.createdBefore) },
        ProjectionExpression: 'pk, tenantId',
      },
      p.limit - runs.length,
    );
    runs.push(...items.map((i) => ({ runId: i.pk, tenantId: i.tenantId })));
  }
  if (!runs.length) return 0;
  const ids = new Set(runs.map((r) => r.runId));

  const effects: Array<{ pk: string }> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await d.doc.send(new ScanCommand({ TableName: n.effects, FilterExpression: 'attribute_exists(runId)', ProjectionExpression: 'pk, runId', ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const it of (r.Items ?? []) as Array<{ pk: string; runId: string }>) if (ids.has(it.runId)) effects.push({ pk: it.pk });
    start = r.LastEvaluatedKey;
  } while (start);
  await deleteKeys(d, n.effects, effects);

  for (const { runId, tenantId } of runs) {
    const approvals = await queryAll<{ pk: string; status: string; toolUseId: string }>(d, { TableName: n.approvals, IndexName: 'byRun', KeyConditionExpression: 'gRun = :r', ExpressionAttributeValues: { ':r': runId } });
    const decided = approvals.filter((a) => a.status !== 'pending');
    await deleteKeys(d, n.approvals, [...decided, ...decided.map((a) => ({ pk: `U#${runId}#${a.toolUseId}` }))]);
    const partition = (table: string, pk: string) => queryAll<{ pk: string; sk: string }>(d, { TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, ProjectionExpression: 'pk, sk' });
    await deleteKeys(d, n.memory, await partition(n.memory, `M#${tenantId}#${runId}`));
    await deleteKeys(d, knowledgeTable, await partition(knowledgeTable, kpk.run(tenantId, runId)));
    // The run item last: a purge interrupted half-way is found again by the next one.
    const items = await partition(n.runs, runId);
    await deleteKeys(d, n.runs, [...items.filter((i) => i.sk !== 'RUN'), ...items.filter((i) => i.sk === 'RUN')]);
  }
  return runs.length;
}
