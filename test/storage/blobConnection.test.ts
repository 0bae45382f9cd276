import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import { AZURITE_KEY } from '../../storage/standIns';
import { BlobOptionsError, connectBlobStorage, type BlobConnectionOptions } from '../../storage/blobConnection';
import { standIns } from '../support/rootHooks';

/** A credential that must not be used while connecting: connecting sends no request. */
const untouchedCredential: TokenCredential = {
  getToken: () => Promise.reject(new Error('connecting must not ask for a token')),
};

describe('connectBlobStorage', () => {
  it('signs with the account key for a connection string, and reaches Azurite with it', async () => {
    const { service, signer } = connectBlobStorage({ connectionString: `  ${standIns().azurite.connectionString}  ` });
    assert.equal(signer.method, 'sharedKey');
    assert.equal(signer.accountName, service.accountName);
    const properties = await service.getProperties();
    assert.ok(properties.requestId);
  });

  it('signs with a user delegation key for an account URL with a token credential', () => {
    const { service, signer } = connectBlobStorage({
      accountUrl: 'https://contosopoe.blob.core.windows.net',
      credential: untouchedCredential,
    });
    assert.equal(signer.method, 'userDelegation');
    assert.equal(service.accountName, 'contosopoe');
    assert.equal(signer.accountName, 'contosopoe');
  });

  it('accepts plain HTTP only on loopback', () => {
    const { service } = connectBlobStorage({
      accountUrl: 'http://127.0.0.1:10000/devstoreaccount1',
      credential: untouchedCredential,
    });
    assert.equal(service.accountName, 'devstoreaccount1');
  });

  const refusals: [string, BlobConnectionOptions, string, string][] = [
    ['nothing', {}, 'blobConnectionMissing', 'accountUrl'],
    ['blank settings', { connectionString: ' ', accountUrl: '' }, 'blobConnectionMissing', 'accountUrl'],
    [
      'both ways at once',
      {
        connectionString: 'UseDevelopmentStorage=true',
        accountUrl: 'https://a.blob.core.windows.net',
        credential: untouchedCredential,
      },
      'blobConnectionAmbiguous',
      'connectionString',
    ],
    [
      'an unparsable connection string',
      { connectionString: `AccountKey=${AZURITE_KEY};garbage` },
      'blobConnectionStringInvalid',
      'connectionString',
    ],
    [
      'a SAS connection string',
      { connectionString: 'BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=sv=2024-11-04&sig=abc' },
      'blobConnectionStringInvalid',
      'connectionString',
    ],
    [
      'an account URL that is not a URL',
      { accountUrl: 'contoso storage', credential: untouchedCredential },
      'blobAccountUrlInvalid',
      'accountUrl',
    ],
    [
      'an account URL carrying a SAS',
      { accountUrl: 'https://a.blob.core.windows.net/?sv=2024&sig=x', credential: untouchedCredential },
      'blobAccountUrlInvalid',
      'accountUrl',
    ],
    [
      'plain HTTP to a real account',
      { accountUrl: 'http://a.blob.core.windows.net', credential: untouchedCredential },
      'blobAccountUrlInsecure',
      'accountUrl',
    ],
    [
      'an account URL without a credential',
      { accountUrl: 'https://a.blob.core.windows.net' },
      'blobCredentialMissing',
      'credential',
    ],
  ];
  for (const [what, options, code, option] of refusals) {
    it(`refuses ${what} with ${code}, naming ${option}`, () => {
      assert.throws(
        () => connectBlobStorage(options),
        (e: unknown) =>
          e instanceof BlobOptionsError && e.code === code && e.option === option && !e.message.includes(AZURITE_KEY),
      );
    });
  }
});
