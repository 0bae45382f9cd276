/**
 * One place that turns connection settings into a CosmosClient, so every adapter
 * (and botbuilder-azure's state storage) connects the same way, and reads SDK
 * error status codes without `any`.
 */
import { CosmosClient, type CosmosClientOptions } from '@azure/cosmos';
import type { TokenCredential } from '@azure/identity';
import { isLoopbackEndpoint } from '../claims/loopback';
import { storageStatusOf } from '../claims/ports';

export interface CosmosConnectionOptions {
  /** Account endpoint, e.g. `https://<account>.documents.azure.com:443/` or the local stand-in. */
  endpoint: string;
  /** Account key (local stand-in, or Azure when keys are allowed). */
  key?: string;
  /** Entra ID credential (managed identity in Azure); the caller creates it. */
  credential?: TokenCredential;
  /** How long one request may take before it fails as a timeout. Default 5 s. */
  requestTimeoutMs?: number;
}

/**
 * A Teams turn has about 15 s before the channel gives up (and redelivers), so no single
 * request may hang for the SDK's default minute: a point operation takes milliseconds,
 * and one that hangs for seconds is better answered with an apology and a retry.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** Throttled (429) requests are retried after the wait Cosmos asks for, for at most this long in all. */
export const THROTTLE_MAX_WAIT_SECONDS = 5;

export type CosmosOptionsErrorCode =
  | 'cosmosEndpointMissing'
  | 'cosmosEndpointInvalid'
  | 'cosmosEndpointInsecure'
  | 'cosmosAuthMissing'
  | 'cosmosAuthAmbiguous'
  | 'cosmosDatabaseMissing'
  | 'cosmosRequestTimeoutInvalid';

/** Misconfiguration found before any request is sent; `code` is stable, the message names the setting. */
export class CosmosOptionsError extends Error {
  constructor(
    readonly code: CosmosOptionsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CosmosOptionsError';
  }
}

/** The local stand-in listens on loopback; Azure never does. */
export { isLoopbackEndpoint };

/**
 * Checks the options and returns them normalised; throws CosmosOptionsError naming
 * what is wrong. Plain HTTP is accepted only on loopback, because a key or token sent
 * over HTTP to anything else would travel in clear text.
 */
export function validateCosmosConnectionOptions(options: CosmosConnectionOptions): CosmosConnectionOptions {
  const endpoint = options.endpoint?.trim();
  if (!endpoint)
    throw new CosmosOptionsError('cosmosEndpointMissing', 'Cosmos DB endpoint is missing (set COSMOS_ENDPOINT)');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new CosmosOptionsError('cosmosEndpointInvalid', `Cosmos DB endpoint "${endpoint}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CosmosOptionsError('cosmosEndpointInvalid', `Cosmos DB endpoint "${endpoint}" must be http(s)`);
  }
  if (url.protocol === 'http:' && !isLoopbackEndpoint(endpoint)) {
    throw new CosmosOptionsError(
      'cosmosEndpointInsecure',
      `Cosmos DB endpoint "${endpoint}" must use https (http is for the local stand-in only)`,
    );
  }
  const key = options.key?.trim() || undefined;
  if (!key && !options.credential) {
    throw new CosmosOptionsError(
      'cosmosAuthMissing',
      'Cosmos DB needs a key (COSMOS_KEY) or a token credential (managed identity); neither was given',
    );
  }
  if (key && options.credential) {
    throw new CosmosOptionsError(
      'cosmosAuthAmbiguous',
      'Cosmos DB got both a key and a token credential; give exactly one',
    );
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1) {
    throw new CosmosOptionsError(
      'cosmosRequestTimeoutInvalid',
      `Cosmos DB request timeout must be a positive whole number of milliseconds, got ${requestTimeoutMs}`,
    );
  }
  return { endpoint, key, credential: options.credential, requestTimeoutMs };
}

/** The CosmosClient options for validated settings; shared with botbuilder-azure's storage. */
export function cosmosClientOptions(options: CosmosConnectionOptions): CosmosClientOptions {
  const valid = validateCosmosConnectionOptions(options);
  return {
    endpoint: valid.endpoint,
    ...(valid.key ? { key: valid.key } : { aadCredentials: valid.credential }),
    connectionPolicy: {
      requestTimeout: valid.requestTimeoutMs,
      // The stand-in is a single local endpoint with no regional replicas to discover;
      // discovery would follow its advertised address instead of the one we connected to.
      ...(isLoopbackEndpoint(valid.endpoint) ? { enableEndpointDiscovery: false } : {}),
      retryOptions: {
        maxRetryAttemptCount: 9,
        fixedRetryIntervalInMilliseconds: 0,
        maxWaitTimeInSeconds: THROTTLE_MAX_WAIT_SECONDS,
      },
    },
  };
}

export function createCosmosClient(options: CosmosConnectionOptions): CosmosClient {
  return new CosmosClient(cosmosClientOptions(options));
}

/**
 * The HTTP status of a failed Cosmos request (404, 409, 412, 429, …), or undefined
 * when the error did not come from Cosmos (network failure, our own bug).
 */
export const cosmosErrorCode = (e: unknown): number | undefined => storageStatusOf(e);

/** Calls `run` and returns undefined instead of throwing when Cosmos answers with one of `statuses`. */
export async function unlessStatus<T>(statuses: readonly number[], run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    const code = cosmosErrorCode(e);
    if (code !== undefined && statuses.includes(code)) return undefined;
    throw e;
  }
}

/**
 * Called once before every request an adapter sends to Cosmos, with a name such as
 * `claims.query`. Benchmarks count operations with it. Throwing from it aborts the
 * operation as a crashed process would, which tests use to stop between two writes.
 */
export type OperationHook = (operation: string) => void;

/** Fields Cosmos adds to every stored document; never part of our domain objects. */
export interface CosmosSystemFields {
  _rid?: string;
  _self?: string;
  _ts?: number;
  _etag?: string;
  _attachments?: string;
}

/** Splits a stored document into the domain value it was written from and its ETag. */
export function fromStored<T extends object>(doc: T & CosmosSystemFields): { value: T; etag: string } {
  const { _rid, _self, _ts, _etag, _attachments, ...value } = doc;
  // `value` is exactly what we wrote: the spread removed only fields Cosmos added.
  return { value: value as T, etag: _etag ?? '' };
}
