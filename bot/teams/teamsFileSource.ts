/**
 * Opens a file the user attached in Teams: the `file.download.info` attachment's
 * pre-authorised `downloadUrl`, fetched in the same turn (it is short-lived) and
 * handed on as a stream, never buffered whole and never stored.
 *
 * The URL comes from the activity, so it is treated as hostile (SSRF). Outside local
 * mode: https only, no credentials, no address literals, a host on the allow-list of
 * Teams, SharePoint and OneDrive names, resolved once to public addresses only and
 * connected to at the address that was checked; every redirect is checked the same
 * way. Local mode also lets plain http through to loopback, for the Playground's
 * injected attachments and tests served by a loopback file server.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { EvidenceRejected } from '../../claims/errors';
import { declaredKindOf } from '../../claims/evidenceType';
import type { AttachedFile, FileSource } from '../../dialogs/services';
import { isLoopbackEndpoint } from '../../claims/loopback';
import { hostAllowed, isPublicAddress, systemResolver, type HostResolver, type ResolvedAddress } from './addressPolicy';

/** Where Teams puts attached files: SharePoint and OneDrive (commercial and sovereign clouds) and Teams itself. */
export const DEFAULT_DOWNLOAD_HOSTS: readonly string[] = [
  '*.sharepoint.com',
  '*.sharepoint.us',
  '*.sharepoint-mil.us',
  '*.sharepoint.cn',
  '*.sharepoint.de',
  '*.1drv.com',
  '*.1drv.ms',
  'onedrive.live.com',
  '*.teams.microsoft.com',
];

export interface TeamsFileSourceOptions {
  /** Local mode only: accept http:// URLs on loopback, and any https host. */
  allowLoopbackHttp: boolean;
  /** Outside local mode: the host names downloads may come from (`*.` for any name under a domain). */
  allowedHosts?: readonly string[];
  /** Resolves host names outside local mode; tests inject one so nothing is looked up for real. */
  resolve?: HostResolver;
  /**
   * Tests only, never set by the app: a loopback https server standing in for an allowed
   * host (its certificate authority; 127.0.0.1, and only it, then counts as public).
   */
  loopbackStandIn?: { ca: string };
  /** Refuse at once when the server announces a larger file (the evidence store also counts). */
  maxBytes?: number;
  /** Default 3. */
  maxRedirects?: number;
  /** The whole download, headers and body; default 120 s. */
  timeoutMs?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The link itself is not allowed: the user is told the file must come from Teams. */
const notAllowed = (why: string): EvidenceRejected =>
  new EvidenceRejected('poeSourceRefused', `attachment download refused: ${why}`);

/** The download went wrong on the way; the user sees the "could not store, attach again" message. */
const failed = (why: string, cause?: unknown): EvidenceRejected =>
  Object.assign(
    new EvidenceRejected('poeUploadFailed', `attachment download failed: ${why}`),
    cause === undefined ? {} : { cause },
  );

/** Where one request goes: the URL, and outside local mode the address its host was checked at. */
interface Hop {
  url: URL;
  pinned?: ResolvedAddress;
}

export class TeamsFileSource implements FileSource {
  private readonly maxRedirects: number;
  private readonly timeoutMs: number;
  private readonly allowedHosts: readonly string[];
  private readonly resolve: HostResolver;

  constructor(private readonly options: TeamsFileSourceOptions) {
    this.maxRedirects = options.maxRedirects ?? 3;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.allowedHosts = options.allowedHosts ?? DEFAULT_DOWNLOAD_HOSTS;
    this.resolve = options.resolve ?? systemResolver;
  }

  async open(downloadUrl: string, fileType?: string): Promise<AttachedFile> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('attachment download timed out')), this.timeoutMs);
    try {
      let hop = await this.checkedHop(downloadUrl);
      for (let redirects = 0; ; redirects++) {
        const response = await this.get(hop, controller.signal);
        const status = response.statusCode ?? 0;
        if (REDIRECT_STATUSES.has(status)) {
          response.destroy();
          const location = response.headers.location;
          if (!location || redirects >= this.maxRedirects)
            throw failed(location ? 'too many redirects' : 'a redirect without a location');
          hop = await this.checkedHop(new URL(location, hop.url).href);
          continue;
        }
        if (status < 200 || status > 299) {
          response.destroy();
          throw failed(`the server answered ${status}`);
        }
        this.checkAnnouncedLength(response);
        // The timer now guards the body: it stops when the stream is done either way.
        response.once('close', () => clearTimeout(timer));
        return { stream: response, declaredType: declaredTypeOf(response.headers['content-type'], fileType) };
      }
    } catch (e) {
      clearTimeout(timer);
      controller.abort();
      if (e instanceof EvidenceRejected) throw e;
      throw failed('the download failed', e);
    }
  }

  /** The URL checked, and outside local mode its host resolved and every address found public. */
  private async checkedHop(raw: string): Promise<Hop> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw notAllowed('not a URL');
    }
    if (url.username || url.password) throw notAllowed('credentials in the URL');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const loopback = isLoopbackEndpoint(url.href);
    if (this.options.allowLoopbackHttp) {
      if (url.protocol === 'http:' && loopback) return { url };
      if (url.protocol !== 'https:') throw notAllowed(`${url.protocol} is not allowed, only https`);
      // A real download URL names its host; an address literal points somewhere we did not mean to go.
      if (isIP(host) !== 0 && !loopback) throw notAllowed('an IP address host');
      return { url };
    }
    if (url.protocol !== 'https:') throw notAllowed(`${url.protocol} is not allowed, only https`);
    if (isIP(host) !== 0) throw notAllowed('an IP address host');
    if (!hostAllowed(host, this.allowedHosts)) throw notAllowed('the host is not a Teams, SharePoint or OneDrive host');
    let addresses: readonly ResolvedAddress[];
    try {
      addresses = await this.resolve(host);
    } catch (e) {
      throw failed('the host name did not resolve', e);
    }
    const standIn = this.options.loopbackStandIn !== undefined;
    const publicAddress = (address: string): boolean =>
      (standIn && address === '127.0.0.1') || isPublicAddress(address);
    if (addresses.length === 0) throw failed('the host name did not resolve');
    // One internal answer is enough to refuse: which of them a connection would use is not ours to pick.
    if (!addresses.every((a) => publicAddress(a.address))) throw notAllowed('the host resolves to an internal address');
    return { url, pinned: addresses[0] };
  }

  private get(hop: Hop, signal: AbortSignal): Promise<IncomingMessage> {
    const options: RequestOptions & { ca?: string } = { method: 'GET', signal };
    if (hop.pinned) options.lookup = pinnedLookup(hop.pinned);
    if (this.options.loopbackStandIn) options.ca = this.options.loopbackStandIn.ca;
    const send = hop.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(hop.url, options, resolve);
      request.once('error', reject);
      request.end();
    });
  }

  private checkAnnouncedLength(response: IncomingMessage): void {
    const announced = Number(response.headers['content-length'] ?? NaN);
    if (this.options.maxBytes !== undefined && Number.isFinite(announced) && announced > this.options.maxBytes) {
      response.destroy();
      throw new EvidenceRejected(
        'poeTooLarge',
        `the file announces ${announced} bytes, more than ${this.options.maxBytes}`,
      );
    }
  }
}

/** A lookup that answers only the address already checked: the socket can go nowhere else. */
function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    if (all) (callback as unknown as (err: null, addresses: ResolvedAddress[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
  };
}

/**
 * The response's content type when it says something (a sharing page's text/html
 * included: the evidence check then refuses it), else Teams' `fileType` extension.
 */
function declaredTypeOf(contentType: string | undefined, fileType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && declaredKindOf('', type) !== 'unspecified') return type;
  const extension = fileType?.trim();
  return extension ? extension : undefined;
}
