import { type KbClients, loadKbSdk } from './clients.js';
import type { IngestionApi } from './ingestion.js';

/** StartIngestionJob / GetIngestionJob on one data source (the batcher's and the scheduled sync's). */
export function ingestionApi(clients: KbClients, target: { knowledgeBaseId: string; dataSourceId: string }): IngestionApi {
  const { knowledgeBaseId, dataSourceId } = target;
  return {
    start: async () => {
      const { StartIngestionJobCommand } = (await loadKbSdk()).agent;
      const r = await clients.agent.send(new StartIngestionJobCommand({ knowledgeBaseId, dataSourceId }));
      return r.ingestionJob!.ingestionJobId!;
    },
    status: async (ingestionJobId) => {
      const { GetIngestionJobCommand } = (await loadKbSdk()).agent;
      const r = await clients.agent.send(new GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId }));
      return r.ingestionJob?.status ?? 'UNKNOWN';
    },
  };
}
