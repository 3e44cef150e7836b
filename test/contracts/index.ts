import { approvalsContract } from './approvals.contract.js';
import { effectsContract } from './effects.contract.js';
import { erasureContract } from './erasure.contract.js';
import { evaluationsContract } from './evaluations.contract.js';
import { feedbackContract } from './feedback.contract.js';
import type { Lack, MakeBackend } from './harness.js';
import { knowledgeContract } from './knowledge.contract.js';
import { memoryContract } from './memory.contract.js';
import { queueBackendContract } from './queue.contract.js';
import { retentionContract } from './retention.contract.js';
import { runsContract } from './runs.contract.js';
import { sessionsContract } from './sessions.contract.js';
import { usageStatsContract } from './usage-stats.contract.js';

export type { BackendEntry, BackendUnderTest, MakeBackend, MakeBackendOptions } from './harness.js';
export {
  approvalsContract,
  effectsContract,
  erasureContract,
  evaluationsContract,
  feedbackContract,
  knowledgeContract,
  memoryContract,
  queueBackendContract,
  retentionContract,
  runsContract,
  sessionsContract,
  usageStatsContract,
};

/** Every port's suite over one backend. */
export function backendContracts(name: string, make: MakeBackend, lacks: readonly Lack[] = []): void {
  runsContract(name, make);
  approvalsContract(name, make);
  effectsContract(name, make);
  feedbackContract(name, make);
  evaluationsContract(name, make);
  if (!lacks.includes('queue')) queueBackendContract(name, make);
  sessionsContract(name, make);
  if (!lacks.includes('knowledge')) knowledgeContract(name, make);
  memoryContract(name, make);
  usageStatsContract(name, make, lacks);
  if (!lacks.includes('knowledge')) erasureContract(name, make);
  retentionContract(name, make);
}
