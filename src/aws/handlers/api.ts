import { handle, streamHandle } from 'hono/aws-lambda';
import { createLambdaApp } from '../api-app.js';
import { buildContainer, once } from '../container.js';
import { lambdaSettings } from '../env.js';

/**
 * The HTTP API. `handler` serves API Gateway (HTTP API, buffered responses); `streamHandler` serves
 * the function URL with InvokeMode RESPONSE_STREAM, so `POST /chat` streams tokens as they come.
 */
const settings = lambdaSettings(process.env);
const app = once(() => createLambdaApp(buildContainer(settings)));

export const handler: ReturnType<typeof handle> = (event, context) => handle(app())(event, context);
export const streamHandler: ReturnType<typeof streamHandle> = (event, stream, context) => streamHandle(app())(event, stream, context);
