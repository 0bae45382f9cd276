/**
 * Signs short-lived, read-only links to one blob. Two ways, matching how the client
 * authenticates: with the account key (Azurite locally, which has one), or with a
 * user delegation key (Azure with managed identity, where the app never sees the
 * account key and the storage account may have key access turned off).
 */
import {
  BlobSASPermissions,
  SASProtocol,
  generateBlobSASQueryParameters,
  type BlobServiceClient,
  type StorageSharedKeyCredential,
  type UserDelegationKey,
} from '@azure/storage-blob';
import { systemClock, type Clock } from '../claims/ports';

export interface ReadLinkRequest {
  containerName: string;
  blobName: string;
  expiresOn: Date;
  /** Served as Content-Type and Content-Disposition, whatever the blob says. */
  contentType: string;
  contentDisposition: string;
  /** Refuse the link over plain HTTP (true for every real account; Azurite speaks HTTP). */
  httpsOnly: boolean;
}

export interface BlobReadSigner {
  readonly method: 'sharedKey' | 'userDelegation';
  /** The storage account the signature is valid for. */
  readonly accountName: string;
  /** A SAS query string (no leading `?`) that lets its holder read exactly this blob until it expires. */
  readQuery(request: ReadLinkRequest): Promise<string>;
}

function readOnlyValues(request: ReadLinkRequest) {
  return {
    containerName: request.containerName,
    blobName: request.blobName,
    permissions: BlobSASPermissions.parse('r'),
    // No start time: "valid from now" would fail on a storage clock slightly behind ours.
    expiresOn: request.expiresOn,
    contentType: request.contentType,
    contentDisposition: request.contentDisposition,
    protocol: request.httpsOnly ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
  };
}

export class SharedKeySigner implements BlobReadSigner {
  readonly method = 'sharedKey';
  readonly accountName: string;

  constructor(private readonly credential: StorageSharedKeyCredential) {
    this.accountName = credential.accountName;
  }

  async readQuery(request: ReadLinkRequest): Promise<string> {
    return generateBlobSASQueryParameters(readOnlyValues(request), this.credential).toString();
  }
}

/** Fetches a user delegation key valid over the interval (BlobServiceClient.getUserDelegationKey). */
export type UserDelegationKeySource = (startsOn: Date, expiresOn: Date) => Promise<UserDelegationKey>;

export interface UserDelegationSignerOptions {
  clock?: Clock;
  /** How long each fetched key lives; Azure allows up to 7 days. Default 6 hours. */
  keyLifetimeSeconds?: number;
}

const MAX_KEY_LIFETIME_SECONDS = 7 * 24 * 3600;
/** Keys are fetched as valid from a little earlier, for storage clocks behind ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

export class UserDelegationSigner implements BlobReadSigner {
  readonly method = 'userDelegation';
  private readonly clock: Clock;
  private readonly keyLifetimeMs: number;
  /** The key in use (or being fetched); shared so concurrent links cause one fetch. */
  private cached: { key: Promise<UserDelegationKey>; expiresOn: Date } | undefined;

  constructor(
    private readonly keys: UserDelegationKeySource,
    readonly accountName: string,
    options: UserDelegationSignerOptions = {},
  ) {
    const lifetime = options.keyLifetimeSeconds ?? 6 * 3600;
    if (!Number.isInteger(lifetime) || lifetime < 600 || lifetime > MAX_KEY_LIFETIME_SECONDS) {
      throw new RangeError(
        `keyLifetimeSeconds must be a whole number from 600 to ${MAX_KEY_LIFETIME_SECONDS}, got ${lifetime}`,
      );
    }
    this.keyLifetimeMs = lifetime * 1000;
    this.clock = options.clock ?? systemClock;
  }

  async readQuery(request: ReadLinkRequest): Promise<string> {
    const key = await this.keyValidUntil(request.expiresOn);
    return generateBlobSASQueryParameters(readOnlyValues(request), key, this.accountName).toString();
  }

  /** A link must not outlive the key that signs it, so a key about to expire is replaced. */
  private keyValidUntil(linkExpiresOn: Date): Promise<UserDelegationKey> {
    if (this.cached && this.cached.expiresOn.getTime() >= linkExpiresOn.getTime()) return this.cached.key;
    const now = this.clock.now().getTime();
    const expiresOn = new Date(
      Math.min(
        now + MAX_KEY_LIFETIME_SECONDS * 1000 - CLOCK_SKEW_MS,
        Math.max(now + this.keyLifetimeMs, linkExpiresOn.getTime()),
      ),
    );
    if (expiresOn.getTime() < linkExpiresOn.getTime()) {
      return Promise.reject(new RangeError('a read link cannot outlive the longest user delegation key (7 days)'));
    }
    const key = this.keys(new Date(now - CLOCK_SKEW_MS), expiresOn);
    const entry = { key, expiresOn };
    this.cached = entry;
    // A failed fetch must not stick: the next link tries again.
    key.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return key;
  }
}

/** The user delegation signer for a client that authenticates with a token credential. */
export function userDelegationSigner(
  service: BlobServiceClient,
  options: UserDelegationSignerOptions = {},
): UserDelegationSigner {
  return new UserDelegationSigner(
    (startsOn, expiresOn) => service.getUserDelegationKey(startsOn, expiresOn),
    service.accountName,
    options,
  );
}
