import type { StateMachine } from 'aws-local-stepfunctions';
import { buildResult, type RunData } from '../../src/workflow/run-data.js';
import type { RunResult } from '../../src/workflow/types.js';

/**
 * Waits for an aws-local-stepfunctions execution and reads it as a Lore run: its result (a Fail
 * state's Error/Cause become the run's error), the Task states it finished in order, and the
 * states it retried. Shared by the ASL equivalence test and the deployed-shape end-to-end test.
 */
export async function settleExecution(
  execution: ReturnType<StateMachine['run']>,
  taskStates: ReadonlySet<string>,
  input: RunData['input'],
): Promise<{ result: RunResult; path: string[]; retried: string[] }> {
  const path: string[] = [];
  const retried: string[] = [];
  const drain = (async () => {
    let caught: string | undefined;
    for await (const e of execution.eventLogs) {
      // A caught state still "exits"; it did not finish, so it is not on the path.
      if (e.type === 'StateCaught') caught = e.state.name;
      else if (e.type === 'StateExited' && taskStates.has(e.state.name) && caught !== e.state.name) path.push(e.state.name);
      if (e.type === 'StateRetried') retried.push(e.state.name);
    }
  })();
  let data: RunData;
  let status: 'COMPLETED' | 'FAILED' = 'COMPLETED';
  let error: { code: never; message: string } | undefined;
  try {
    data = (await execution.result) as unknown as RunData;
  } catch (e) {
    // A Fail state rejects the execution; its Error/Cause came from $.failure via ErrorPath/CausePath.
    status = 'FAILED';
    const cause = (e as { cause?: { name?: string; message?: string } }).cause;
    error = { code: (cause?.name ?? 'INTERNAL') as never, message: cause?.message ?? String(e) };
    data = { input };
  }
  await drain;
  return { result: buildResult(data, status, { traceId: input.traceId, ...(error ? { error } : {}) }), path, retried };
}
