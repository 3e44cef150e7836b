import { GetCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApprovalStore } from '../../workflow/approval-store.js';
import type { PendingApproval } from '../../workflow/types.js';
import { cancellationReasons, conditionFailed, queryAll, storeError, type Dynamo } from './client.js';
import { padTime } from './tables.js';

type Status = PendingApproval['status'];

interface ApprovalItem extends Omit<PendingApproval, 'input'> {
  pk: string;
  input: string;
  gTenant: string;
  gRun: string;
  gCreated: string;
  /** Present only while pending: the sparse `pending` index holds exactly the open approvals. */
  gPending?: 'pending';
  gExpires: string;
}

const key = (approvalId: string) => `A#${approvalId}`;

function toItem(a: PendingApproval): ApprovalItem {
  return {
    ...a,
    pk: key(a.approvalId),
    input: JSON.stringify(a.input ?? null),
    gTenant: a.tenantId,
    gRun: a.runId,
    gCreated: `${padTime(a.createdAt)}#${a.approvalId}`,
    ...(a.status === 'pending' ? { gPending: 'pending' as const } : {}),
    gExpires: `${padTime(a.expiresAt)}#${a.approvalId}`,
  };
}

function fromItem(i: ApprovalItem): PendingApproval {
  const { pk: _pk, gTenant: _t, gRun: _r, gCreated: _c, gPending: _p, gExpires: _e, input, ...rest } = i;
  return { ...rest, input: JSON.parse(input) as unknown };
}

const byCreated = (a: ApprovalItem, b: ApprovalItem) => (a.gCreated < b.gCreated ? -1 : a.gCreated > b.gCreated ? 1 : 0);

/**
 * Approvals on DynamoDB. (runId, toolUseId) is unique through a guard item written in the same
 * transaction as the approval; deciding is a conditional update on `status = pending`, so exactly
 * one decider wins; expiry walks the sparse `pending` index by expiry time.
 */
export class DynamoApprovalStore implements ApprovalStore {
  constructor(private readonly d: Dynamo) {}

  private get table() {
    return this.d.names.approvals;
  }

  async createApprovals(p: { approvals: PendingApproval[] }): Promise<void> {
    for (const a of p.approvals) {
      try {
        await this.d.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.table, Item: { pk: `U#${a.runId}#${a.toolUseId}`, approvalId: a.approvalId }, ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: this.table, Item: toItem(a), ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
      } catch (err) {
        // Already there (same call or same id): kept as it is.
        if (cancellationReasons(err)?.includes('ConditionalCheckFailed')) continue;
        throw storeError('createApprovals', err);
      }
    }
  }

  async getApproval(p: { approvalId: string; tenantId?: string }): Promise<PendingApproval | null> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: key(p.approvalId) }, ConsistentRead: true }));
    const item = r.Item as ApprovalItem | undefined;
    if (!item || (p.tenantId !== undefined && item.tenantId !== p.tenantId)) return null;
    return fromItem(item);
  }

  async listApprovals(p: { tenantId?: string; userId?: string; status?: Status; runId?: string; limit?: number }): Promise<PendingApproval[]> {
    const limit = p.limit ?? 1000;
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    const filterOn = (attr: string, value: unknown) => {
      names[`#${attr}`] = attr;
      values[`:${attr}`] = value;
      filters.push(`#${attr} = :${attr}`);
    };
    let items: ApprovalItem[];
    if (p.runId !== undefined || p.tenantId !== undefined) {
      const [index, keyAttr, keyValue] = p.runId !== undefined ? ['byRun', 'gRun', p.runId] : ['byTenant', 'gTenant', p.tenantId!];
      if (p.runId !== undefined && p.tenantId !== undefined) filterOn('tenantId', p.tenantId);
      if (p.userId !== undefined) filterOn('userId', p.userId);
      if (p.status !== undefined) filterOn('status', p.status);
      items = await queryAll<ApprovalItem>(
        this.d,
        {
          TableName: this.table,
          IndexName: index,
          KeyConditionExpression: `${keyAttr} = :k`,
          ExpressionAttributeValues: { ':k': keyValue, ...values },
          ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
        },
        limit,
      );
    } else if (p.status === 'pending') {
      if (p.userId !== undefined) filterOn('userId', p.userId);
      items = await queryAll<ApprovalItem>(this.d, {
        TableName: this.table,
        IndexName: 'pending',
        KeyConditionExpression: 'gPending = :k',
        ExpressionAttributeValues: { ':k': 'pending', ...values },
        ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
      });
    } else {
      // No key to go by (an operator's unfiltered listing): a scan, never on a turn's path.
      if (p.userId !== undefined) filterOn('userId', p.userId);
      if (p.status !== undefined) filterOn('status', p.status);
      items = [];
      let start: Record<string, unknown> | undefined;
      do {
        const r = await this.d.doc.send(
          new ScanCommand({
            TableName: this.table,
            FilterExpression: ['begins_with(pk, :a)', ...filters].join(' AND '),
            ExpressionAttributeValues: { ':a': 'A#', ...values },
            ...(filters.length ? { ExpressionAttributeNames: names } : {}),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...((r.Items ?? []) as ApprovalItem[]));
        start = r.LastEvaluatedKey;
      } while (start);
    }
    return items.sort(byCreated).slice(0, limit).map(fromItem);
  }

  async decideApproval(p: { approvalId: string; status: Exclude<Status, 'pending'>; decidedBy: string; decisionReason?: string; decidedAt: number }): Promise<boolean> {
    try {
      await this.d.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key(p.approvalId) },
          UpdateExpression: `SET #status = :s, decidedBy = :by, decidedAt = :at${p.decisionReason !== undefined ? ', decisionReason = :why' : ''} REMOVE gPending`,
          ConditionExpression: 'attribute_exists(pk) AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':s': p.status, ':by': p.decidedBy, ':at': p.decidedAt, ':pending': 'pending', ...(p.decisionReason !== undefined ? { ':why': p.decisionReason } : {}) },
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw storeError('decideApproval', err);
    }
  }

  async expireApprovals(p: { now: number }): Promise<PendingApproval[]> {
    const overdue = await queryAll<ApprovalItem>(this.d, {
      TableName: this.table,
      IndexName: 'pending',
      KeyConditionExpression: 'gPending = :k AND gExpires <= :now',
      ExpressionAttributeValues: { ':k': 'pending', ':now': `${padTime(p.now)}#\uffff` },
    });
    const expired: PendingApproval[] = [];
    for (const item of overdue) {
      const changed = await this.decideApproval({ approvalId: item.approvalId, status: 'expired', decidedBy: 'system', decisionReason: 'expired', decidedAt: p.now });
      if (changed) expired.push({ ...fromItem(item), status: 'expired', decidedBy: 'system', decisionReason: 'expired', decidedAt: p.now });
    }
    return expired;
  }
}
