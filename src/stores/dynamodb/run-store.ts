import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { LoreError } from '../../errors.js';
import type { NewRun, RunLease, RunPatch, RunStore } from '../../workflow/run-store.js';
import type { RunRecord, RunStatus, StepRecord } from '../../workflow/types.js';
import { cancellationReasons, conditionFailed, queryAll, storeError, type Dynamo } from './client.js';
import { PROGRESS_PREFIX, RUN_SK, newRunItem, runFromItem, sessionKey, stepKey, stepToItem, type RunItem, type StepItem } from './run-items.js';

/**
 * RunStore on DynamoDB. A run, its steps and its progress share one partition of the runs table,
 * so getRun is one strongly consistent Query. Leases are conditional updates on the run item; a
 * checkpoint with a step is one TransactWriteItems (step put + run update conditioned on the
 * lease), so a zombie writer leaves no trace. Approvals, the effect ledger and feedback are
 * their own tables and adapters (approval-store.ts, effect-ledger.ts, feedback-store.ts).
 */
export class DynamoRunStore implements RunStore {
  constructor(private readonly d: Dynamo) {}

  private get table() {
    return this.d.names.runs;
  }

  async createRun(run: NewRun): Promise<boolean> {
    try {
      await this.d.doc.send(new PutCommand({ TableName: this.table, Item: newRunItem(run), ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw storeError('createRun', err);
    }
  }

  async getRun(p: { runId: string; tenantId?: string }): Promise<RunRecord | null> {
    // 'PROGRESS#' < 'RUN' < 'STEP#': sk >= RUN reads the run and its steps, not the progress.
    const items = await queryAll<RunItem | StepItem>(this.d, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND sk >= :run',
      ExpressionAttributeValues: { ':pk': p.runId, ':run': RUN_SK },
      ConsistentRead: true,
    });
    const run = items.find((i): i is RunItem => i.sk === RUN_SK);
    if (!run || (p.tenantId !== undefined && run.tenantId !== p.tenantId)) return null;
    return runFromItem(run, items.filter((i): i is StepItem => i.sk !== RUN_SK));
  }

  private async runItem(runId: string): Promise<RunItem | undefined> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: runId, sk: RUN_SK }, ConsistentRead: true }));
    return r.Item as RunItem | undefined;
  }

  async getLease(p: { runId: string }): Promise<RunLease | null> {
    const run = await this.runItem(p.runId);
    return run?.leaseOwner ? { owner: run.leaseOwner, until: run.leaseUntil ?? 0 } : null;
  }

  async claim(p: { runId: string; owner: string; now: number; until: number; takeOverFrom?: string }): Promise<{ claimed: boolean; holder?: RunLease }> {
    const takeOver = p.takeOverFrom !== undefined ? ' OR leaseOwner = :take' : '';
    try {
      await this.d.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: p.runId, sk: RUN_SK },
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(leaseOwner) OR leaseOwner = :owner OR leaseUntil <= :now${takeOver})`,
          ExpressionAttributeValues: { ':owner': p.owner, ':until': p.until, ':now': p.now, ...(takeOver ? { ':take': p.takeOverFrom } : {}) },
        }),
      );
      return { claimed: true };
    } catch (err) {
      if (!conditionFailed(err)) throw storeError('claim', err);
    }
    const run = await this.runItem(p.runId);
    if (!run) throw new LoreError('NOT_FOUND', `run ${p.runId} not found`);
    return { claimed: false, holder: { owner: run.leaseOwner ?? '', until: run.leaseUntil ?? 0 } };
  }

  async release(p: { runId: string; owner: string }): Promise<void> {
    try {
      await this.d.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: p.runId, sk: RUN_SK },
          UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': p.owner },
        }),
      );
    } catch (err) {
      // Not the holder (or no such run): releasing is a no-op, as in every adapter.
      if (!conditionFailed(err)) throw storeError('release', err);
    }
  }

  async checkpoint(p: { runId: string; owner: string; step?: StepRecord; patch: RunPatch; now: number; leaseUntil: number }): Promise<void> {
    const update = this.patchUpdate(p);
    const conflict = () => new LoreError('CONFLICT', `run ${p.runId} is no longer leased by ${p.owner}`);
    try {
      if (p.step) {
        const step = stepToItem(p.runId, stepKey(p.now), p.step);
        await this.d.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: update as Required<Pick<UpdateCommandInput, 'TableName' | 'Key' | 'UpdateExpression'>> & UpdateCommandInput },
              { Put: { TableName: this.table, Item: step, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
      } else {
        await this.d.doc.send(new UpdateCommand(update));
      }
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (conditionFailed(err) || reasons?.[0] === 'ConditionalCheckFailed') throw conflict();
      throw storeError('checkpoint', err);
    }
    // Mid-step progress only serves resuming a step; a finished run never resumes.
    if (p.patch.status === 'COMPLETED' || p.patch.status === 'FAILED') await this.dropProgress(p.runId);
  }

  /** The run update of a checkpoint: the patch, the lease renewal, and the lease condition. */
  private patchUpdate(p: { runId: string; owner: string; patch: RunPatch; now: number; leaseUntil: number }): UpdateCommandInput {
    const { patch } = p;
    const set = ['updatedAt = :now'];
    const remove: string[] = [];
    const add: string[] = [];
    const v: Record<string, unknown> = { ':now': p.now, ':owner': p.owner };
    if (patch.status) {
      set.push('#status = :status', 'gStatus = :status');
      v[':status'] = patch.status;
    }
    if (patch.currentState) {
      set.push('currentState = :state');
      v[':state'] = patch.currentState;
    }
    if (patch.intent) {
      set.push('intent = :intent');
      v[':intent'] = patch.intent;
    }
    if (patch.result === null) remove.push('#result', 'tokens');
    else if (patch.result) {
      set.push('#result = :result', 'tokens = :tokens');
      v[':result'] = JSON.stringify(patch.result);
      v[':tokens'] = patch.result.usage?.totalTokens ?? 0;
    }
    if (patch.error === null) remove.push('errorCode', 'errorMessage');
    else if (patch.error) {
      set.push('errorCode = :ecode', 'errorMessage = :emsg');
      v[':ecode'] = patch.error.code;
      v[':emsg'] = patch.error.message;
    }
    if (patch.attemptsDelta) {
      add.push('attempts :ad');
      v[':ad'] = patch.attemptsDelta;
    }
    if (patch.errorCountDelta) {
      add.push('errorCount :ed');
      v[':ed'] = patch.errorCountDelta;
    }
    if (patch.release) remove.push('leaseOwner', 'leaseUntil');
    else {
      set.push('leaseUntil = :lu');
      v[':lu'] = p.leaseUntil;
    }
    const names: Record<string, string> = {};
    if (patch.status) names['#status'] = 'status';
    if (patch.result !== undefined) names['#result'] = 'result';
    return {
      TableName: this.table,
      Key: { pk: p.runId, sk: RUN_SK },
      UpdateExpression: [`SET ${set.join(', ')}`, remove.length ? `REMOVE ${remove.join(', ')}` : '', add.length ? `ADD ${add.join(', ')}` : ''].filter(Boolean).join(' '),
      ConditionExpression: 'leaseOwner = :owner',
      ExpressionAttributeValues: v,
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    };
  }

  private async dropProgress(runId: string): Promise<void> {
    const items = await queryAll<{ pk: string; sk: string }>(this.d, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': runId, ':p': PROGRESS_PREFIX },
      ProjectionExpression: 'pk, sk',
    });
    await Promise.all(items.map((k) => this.d.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: k.pk, sk: k.sk } }))));
  }

  async listRunIds(p: { statuses: RunStatus[]; limit?: number }): Promise<string[]> {
    const limit = p.limit ?? 10_000;
    const per = await Promise.all(
      [...new Set(p.statuses)].map((s) =>
        queryAll<{ runId: string; gCreated: string }>(
          this.d,
          { TableName: this.table, IndexName: 'byStatus', KeyConditionExpression: 'gStatus = :s', ExpressionAttributeValues: { ':s': s }, ProjectionExpression: 'runId, gCreated' },
          limit,
        ),
      ),
    );
    return per
      .flat()
      .sort((a, b) => (a.gCreated < b.gCreated ? -1 : a.gCreated > b.gCreated ? 1 : 0))
      .slice(0, limit)
      .map((r) => r.runId);
  }

  async latestRun(p: { tenantId: string; sessionId: string; excludeRunId?: string }): Promise<RunRecord | null> {
    const [item] = await queryAll<RunItem>(
      this.d,
      {
        TableName: this.table,
        IndexName: 'bySession',
        KeyConditionExpression: 'gSession = :s',
        ScanIndexForward: false,
        ...(p.excludeRunId ? { FilterExpression: 'runId <> :x', ExpressionAttributeValues: { ':s': sessionKey(p.tenantId, p.sessionId), ':x': p.excludeRunId } } : { ExpressionAttributeValues: { ':s': sessionKey(p.tenantId, p.sessionId) } }),
      },
      1,
    );
    return item ? runFromItem(item, []) : null;
  }

  async listRuns(p: { tenantId: string; userId?: string; sessionId?: string; limit: number }): Promise<RunRecord[]> {
    if (p.limit <= 0) return [];
    const bySession = p.sessionId !== undefined;
    const items = await queryAll<RunItem>(
      this.d,
      {
        TableName: this.table,
        IndexName: bySession ? 'bySession' : 'byTenant',
        KeyConditionExpression: bySession ? 'gSession = :k' : 'gTenant = :k',
        ScanIndexForward: false,
        ExpressionAttributeValues: { ':k': bySession ? sessionKey(p.tenantId, p.sessionId!) : p.tenantId, ...(p.userId !== undefined ? { ':u': p.userId } : {}) },
        ...(p.userId !== undefined ? { FilterExpression: 'userId = :u' } : {}),
      },
      p.limit,
    );
    return items.map((i) => runFromItem(i, []));
  }

  async getProgress<T>(p: { runId: string; step: string }): Promise<T | null> {
    const r = await this.d.doc.send(new GetCommand({ TableName: this.table, Key: { pk: p.runId, sk: `${PROGRESS_PREFIX}${p.step}` }, ConsistentRead: true }));
    const data = (r.Item as { data?: string } | undefined)?.data;
    return data === undefined ? null : (JSON.parse(data) as T);
  }

  async saveProgress(p: { runId: string; step: string; data: unknown; now: number }): Promise<void> {
    await this.d.doc.send(new PutCommand({ TableName: this.table, Item: { pk: p.runId, sk: `${PROGRESS_PREFIX}${p.step}`, data: JSON.stringify(p.data), updatedAt: p.now } }));
  }
}
