import { buildContainer, once } from '../container.js';
import { lambdaSettings } from '../env.js';
import { createStepLambda } from '../step-lambda.js';

/** One Task state of the turn workflow; LORE_STEP names it (the CDK stack sets it per function). */
const settings = lambdaSettings(process.env);
export const handler = createStepLambda(settings.aws.LORE_STEP ?? '', once(() => buildContainer(settings)));
