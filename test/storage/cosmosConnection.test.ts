import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import {
  CosmosOptionsError,
  DEFAULT_REQUEST_TIMEOUT_MS,
  THROTTLE_MAX_WAIT_SECONDS,
  cosmosClientOptions,
  cosmosErrorCode,
  createCosmosClient,
  isLoopbackEndpoint,
  type CosmosOptionsErrorCode,
} from '../../storage/cosmosConnection';
import { standIns } from '../support/rootHooks';

/** A credential of our own (a port-level fake): it is never asked for a token in these tests. */
const credential: TokenCredential = { getToken: async () => null };

function rejectsWith(code: CosmosOptionsErrorCode, run: () => unknown): void {
  assert.throws(run, (e: unknown) => e instanceof CosmosOptionsError && e.code === code);
}

describe('cosmosConnection', () => {
  it('fails fast, with a code, on each missing or unsafe setting', () => {
    rejectsWith('cosmosEndpointMissing', () => createCosmosClient({ endpoint: ' ', key: 'k' }));
    rejectsWith('cosmosEndpointInvalid', () => createCosmosClient({ endpoint: 'not a url', key: 'k' }));
    rejectsWith('cosmosEndpointInvalid', () => createCosmosClient({ endpoint: 'ftp://127.0.0.1', key: 'k' }));
    rejectsWith('cosmosEndpointInsecure', () =>
      createCosmosClient({ endpoint: 'http://acct.documents.azure.com', key: 'k' }),
    );
    rejectsWith('cosmosAuthMissing', () => createCosmosClient({ endpoint: 'https://acct.documents.azure.com' }));
    rejectsWith('cosmosAuthAmbiguous', () =>
      createCosmosClient({ endpoint: 'https://acct.documents.azure.com', key: 'k', credential }),
    );
  });

  it('turns endpoint discovery off only for the loopback stand-in, and picks key or credential', () => {
    const local = cosmosClientOptions({ endpoint: 'http://127.0.0.1:8081', key: 'k' });
    assert.equal(local.connectionPolicy?.enableEndpointDiscovery, false);
    assert.equal(local.key, 'k');
    const azure = cosmosClientOptions({ endpoint: 'https://acct.documents.azure.com:443/', credential });
    assert.equal(azure.connectionPolicy?.enableEndpointDiscovery, undefined);
    assert.equal(azure.key, undefined);
    assert.equal(azure.aadCredentials, credential);
  });

  it('bounds every request well inside a Teams turn (timeout, throttling waits), and refuses a nonsensical timeout', () => {
    const defaults = cosmosClientOptions({ endpoint: 'https://acct.documents.azure.com:443/', credential });
    assert.equal(defaults.connectionPolicy?.requestTimeout, DEFAULT_REQUEST_TIMEOUT_MS);
    assert.ok(DEFAULT_REQUEST_TIMEOUT_MS < 15_000);
    assert.equal(defaults.connectionPolicy?.retryOptions?.maxWaitTimeInSeconds, THROTTLE_MAX_WAIT_SECONDS);
    assert.equal(
      cosmosClientOptions({ endpoint: 'http://127.0.0.1:8081', key: 'k', requestTimeoutMs: 800 }).connectionPolicy
        ?.requestTimeout,
      800,
    );
    for (const requestTimeoutMs of [0, -1, 1.5, Number.NaN]) {
      rejectsWith('cosmosRequestTimeoutInvalid', () =>
        createCosmosClient({ endpoint: 'http://127.0.0.1:8081', key: 'k', requestTimeoutMs }),
      );
    }
  });

  it('recognises loopback hosts and nothing else', () => {
    for (const endpoint of ['http://127.0.0.1:1', 'http://localhost:2', 'http://[::1]:3', 'http://127.8.9.10']) {
      assert.equal(isLoopbackEndpoint(endpoint), true, endpoint);
    }
    for (const endpoint of [
      'https://acct.documents.azure.com',
      'http://127.0.0.1.evil.example',
      'http://10.0.0.1',
      'nonsense',
    ]) {
      assert.equal(isLoopbackEndpoint(endpoint), false, endpoint);
    }
  });

  it('reads the status code of a real SDK error, and nothing from other errors', async () => {
    const { cosmos } = standIns();
    const client = createCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key });
    const error = await client
      .database(`missing-${Date.now()}`)
      .read()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.equal(cosmosErrorCode(error), 404);
    assert.equal(cosmosErrorCode(new Error('boom')), undefined);
    assert.equal(cosmosErrorCode({ code: 'ECONNREFUSED' }), undefined);
    assert.equal(cosmosErrorCode({ statusCode: 429 }), 429);
    assert.equal(cosmosErrorCode(undefined), undefined);
  });
});
