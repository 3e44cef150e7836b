import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Dynamo } from './client.js';

/**
 * Other users' runs that retrieved an erased learning keep its text in their checkpoints (the
 * context block of BuildContext, the prompt carried by Reason and its progress). Erasure replaces
 * it there, as the SQLite adapter does in workflow_steps/workflow_progress; those users' answers
 * and turns stay theirs. `texts` are the learning's document and chunk texts; they sit inside JSON
 * strings, so they are matched JSON-escaped.
 */
export async function redactRetrievedCopies(d: Dynamo, runsTable: string, runIds: Iterable<string>, texts: string[]): Promise<number> {
  const needles = [...new Set(texts.filter((t) => t.length > 0).map((t) => JSON.stringify(t).slice(1, -1)))];
  if (!needles.length) return 0;
  const scrub = (v: unknown) => (typeof v === 'string' ? needles.reduce((s, n) => s.split(n).join('[erased]'), v) : v);
  let changed = 0;
  for (const runId of runIds) {
    let start: Record<string, unknown> | undefined;
    do {
      const r = await d.doc.send(
        new QueryCommand({ TableName: runsTable, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': runId }, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      for (const item of r.Items ?? []) {
        const fields = (['input', 'output', 'data'] as const).filter((f) => typeof item[f] === 'string' && scrub(item[f]) !== item[f]);
        if (!fields.length) continue;
        await d.doc.send(
          new UpdateCommand({
            TableName: runsTable,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: `SET ${fields.map((f) => `#${f} = :${f}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(fields.map((f) => [`#${f}`, f])),
            ExpressionAttributeValues: Object.fromEntries(fields.map((f) => [`:${f}`, scrub(item[f])])),
            ConditionExpression: 'attribute_exists(pk)',
          }),
        );
        changed++;
      }
      start = r.LastEvaluatedKey;
    } while (start);
  }
  return changed;
}
