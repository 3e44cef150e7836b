import { buildContainer, once } from '../container.js';
import { lambdaSettings } from '../env.js';
import { consumeChatJobs, type SqsEvent } from '../queue-consumer.js';

/** SQS → Step Functions for queued turns, with partial batch failure reporting. */
const settings = lambdaSettings(process.env);
const container = once(() => buildContainer(settings));

export const handler = async (event: SqsEvent) => {
  const arn = settings.aws.LORE_STATE_MACHINE_ARN;
  if (!arn) throw new Error('LORE_STATE_MACHINE_ARN is not set');
  return consumeChatJobs(await container(), arn, event);
};
