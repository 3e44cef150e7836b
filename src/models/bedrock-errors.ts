import { LoreError, type ErrorCode } from '../errors.js';
import type { CallDeadline } from './retry-deadline.js';

/**
 * AWS SDK errors → LoreError codes, so the retry wrapper and the HTTP layer never need to know
 * SDK exception names. Shared by the Converse provider and the Titan embedder.
 */

const THROTTLED = new Set(['ThrottlingException', 'ServiceQuotaExceededException', 'TooManyRequestsException']);
const TIMEOUT = new Set(['ModelTimeoutException', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const UNAVAILABLE = new Set([
  'ServiceUnavailableException',
  'InternalServerException',
  'ModelNotReadyException',
  // "An error occurred while streaming the response. Retry your request." per the API reference.
  'ModelStreamErrorException',
]);
// Socket-level failures: the endpoint is down or dropped us; transient from the caller's view.
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE']);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number };
}

export function mapBedrockError(e: unknown, deadline?: CallDeadline): LoreError {
  const explained = deadline?.explain();
  if (explained) return new LoreError(explained.code, explained.message, { cause: e });
  if (e instanceof LoreError) return e;

  const err = (typeof e === 'object' && e !== null ? e : {}) as SdkLikeError;
  const name = err.name ?? '';
  const status = err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  const message = err.message || name || String(e);
  const details = { name, ...(status ? { httpStatus: status } : {}), ...(err.$metadata?.requestId ? { requestId: err.$metadata.requestId } : {}) };

  // The exception name is more specific than the status (ModelNotReadyException arrives as a 429
  // but means "warming up", not "slow down"), so names decide first and statuses are the fallback.
  let code: ErrorCode;
  if (name === 'AbortError') code = 'ABORTED';
  else if (THROTTLED.has(name)) code = 'MODEL_THROTTLED';
  else if (TIMEOUT.has(name) || err.code === 'ETIMEDOUT') code = 'MODEL_TIMEOUT';
  else if (UNAVAILABLE.has(name) || NETWORK.has(err.code ?? '')) code = 'MODEL_UNAVAILABLE';
  else if (status === 429) code = 'MODEL_THROTTLED';
  else if (status === 408) code = 'MODEL_TIMEOUT';
  else if (status !== undefined && status >= 500) code = 'MODEL_UNAVAILABLE';
  else code = 'MODEL_ERROR'; // ValidationException, AccessDeniedException, ResourceNotFound, ModelError…
  return new LoreError(code, `bedrock: ${message}`, { details, cause: e });
}
