import { Hono } from 'hono';
import { handle, streamHandle } from 'hono/aws-lambda';
import { createLambdaApp } from '../api-app.js';
import { buildContainer, once } from '../container.js';
import { lambdaSettings } from '../env.js';

/**
 * The HTTP API. `handler` serves API Gateway (HTTP API, buffered responses); `streamHandler` serves
 * the function URL with InvokeMode RESPONSE_STREAM, so `POST /chat` streams tokens as they come.
 * Both are created at module load (the runtime must see a streamified export); they delegate to the
 * app, which is built on the first request once the backend is open.
 */
declare const awslambda: unknown;

const settings = lambdaSettings(process.env);
const app = once(async () => createLambdaApp(await buildContainer(settings)));
const shell = new Hono();
shell.all('*', async (c) => (await app()).fetch(c.req.raw, c.env));

export const handler: ReturnType<typeof handle> = handle(shell);
// Only Lambda's Node.js runtime defines `awslambda` (streamifyResponse); elsewhere there is no stream.
export const streamHandler: ReturnType<typeof streamHandle> | undefined = typeof awslambda === 'undefined' ? undefined : streamHandle(shell);
