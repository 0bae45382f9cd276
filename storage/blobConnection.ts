/**
 * Turns Blob settings into a BlobServiceClient and the read-link signer that fits it:
 * a connection string (Azurite, local) carries the account key, so links are signed
 * with it; an account URL with a token credential (managed identity in Azure) has no
 * key, so links are signed with a user delegation key.
 */
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { isLoopbackEndpoint } from './cosmosConnection';
import {
  SharedKeySigner,
  userDelegationSigner,
  type BlobReadSigner,
  type UserDelegationSignerOptions,
} from './blobSas';

export interface BlobConnectionOptions {
  /** Local: an Azurite connection string with AccountName and AccountKey. */
  connectionString?: string;
  /** Azure: the Blob service URL, e.g. `https://<account>.blob.core.windows.net`. */
  accountUrl?: string;
  /** Azure: the identity (managed identity) that reaches `accountUrl`. */
  credential?: TokenCredential;
  /** For the user delegation signer. */
  signer?: UserDelegationSignerOptions;
}

export type BlobOptionsErrorCode =
  | 'blobConnectionMissing'
  | 'blobConnectionAmbiguous'
  | 'blobConnectionStringInvalid'
  | 'blobAccountUrlInvalid'
  | 'blobAccountUrlInsecure'
  | 'blobCredentialMissing'
  | 'blobContainerMissing'
  | 'blobContainerInvalid'
  | 'blobContainerPublic'
  | 'blobSignerInvalid'
  | 'poeMaxBytesInvalid';

/** Misconfiguration found before any request is sent: a stable code and the option at fault. */
export class BlobOptionsError extends Error {
  constructor(
    readonly code: BlobOptionsErrorCode,
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'BlobOptionsError';
  }
}

export interface BlobConnection {
  service: BlobServiceClient;
  signer: BlobReadSigner;
}

function isTokenCredential(value: unknown): value is TokenCredential {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'getToken') === 'function';
}

function fromConnectionString(connectionString: string): BlobConnection {
  let service: BlobServiceClient;
  try {
    service = BlobServiceClient.fromConnectionString(connectionString);
  } catch {
    // The message never repeats the string: it holds the account key.
    throw new BlobOptionsError(
      'blobConnectionStringInvalid',
      'connectionString',
      'Blob connection string cannot be parsed',
    );
  }
  if (!(service.credential instanceof StorageSharedKeyCredential)) {
    throw new BlobOptionsError(
      'blobConnectionStringInvalid',
      'connectionString',
      'Blob connection string must carry AccountName and AccountKey (a SAS connection string cannot sign read links)',
    );
  }
  return { service, signer: new SharedKeySigner(service.credential) };
}

function fromAccountUrl(
  accountUrl: string,
  credential: unknown,
  signerOptions?: UserDelegationSignerOptions,
): BlobConnection {
  let url: URL;
  try {
    url = new URL(accountUrl);
  } catch {
    throw new BlobOptionsError('blobAccountUrlInvalid', 'accountUrl', `Blob account URL "${accountUrl}" is not a URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '') {
    throw new BlobOptionsError(
      'blobAccountUrlInvalid',
      'accountUrl',
      `Blob account URL "${url.origin}${url.pathname}" must be http(s) with no query (no SAS)`,
    );
  }
  if (url.protocol === 'http:' && !isLoopbackEndpoint(accountUrl)) {
    throw new BlobOptionsError(
      'blobAccountUrlInsecure',
      'accountUrl',
      `Blob account URL "${accountUrl}" must use https`,
    );
  }
  if (!isTokenCredential(credential)) {
    throw new BlobOptionsError(
      'blobCredentialMissing',
      'credential',
      'Blob account URL needs a token credential (managed identity)',
    );
  }
  const service = new BlobServiceClient(accountUrl, credential);
  return { service, signer: userDelegationSigner(service, signerOptions) };
}

/** Validates the options, naming the one at fault, and connects; sends no request. */
export function connectBlobStorage(options: BlobConnectionOptions): BlobConnection {
  const connectionString = options.connectionString?.trim() || undefined;
  const accountUrl = options.accountUrl?.trim() || undefined;
  if (connectionString && accountUrl) {
    throw new BlobOptionsError(
      'blobConnectionAmbiguous',
      'connectionString',
      'Blob storage got both a connection string and an account URL; give one',
    );
  }
  if (connectionString) return fromConnectionString(connectionString);
  if (accountUrl) return fromAccountUrl(accountUrl, options.credential, options.signer);
  throw new BlobOptionsError(
    'blobConnectionMissing',
    'accountUrl',
    'Blob storage needs an account URL with a credential, or a connection string',
  );
}
