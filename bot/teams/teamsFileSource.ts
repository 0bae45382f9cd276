/**
 * Opens a file the user attached in Teams: the `file.download.info` attachment's
 * pre-authorised `downloadUrl`, fetched in the same turn (it is short-lived) and
 * handed on as a stream, never buffered whole and never stored.
 *
 * The URL comes from the activity, so it is treated as hostile (SSRF): https only,
 * no credentials in it, no IP-literal hosts, and every redirect is checked the same
 * way. Local mode also lets plain http through to loopback, for the Playground's
 * injected attachments and tests served by a loopback file server.
 */
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { EvidenceRejected } from '../../claims/errors';
import { declaredKindOf } from '../../claims/evidenceType';
import type { AttachedFile, FileSource } from '../../dialogs/services';
import { isLoopbackEndpoint } from '../../claims/loopback';

export interface TeamsFileSourceOptions {
  /** Local mode only: accept http:// URLs on loopback. */
  allowLoopbackHttp: boolean;
  /** Refuse at once when the server announces a larger file (the evidence store also counts). */
  maxBytes?: number;
  /** Default 3. */
  maxRedirects?: number;
  /** The whole download, headers and body; default 120 s. */
  timeoutMs?: number;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Why a download was refused; the user sees the evidence store's "could not store" message. */
const refused = (why: string, cause?: unknown): EvidenceRejected =>
  Object.assign(new EvidenceRejected('poeUploadFailed', `attachment download refused: ${why}`), cause === undefined ? {} : { cause });

export class TeamsFileSource implements FileSource {
  private readonly maxRedirects: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: TeamsFileSourceOptions) {
    this.maxRedirects = options.maxRedirects ?? 3;
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  async open(downloadUrl: string, fileType?: string): Promise<AttachedFile> {
    let url = this.checkedUrl(downloadUrl);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('attachment download timed out')), this.timeoutMs);
    try {
      for (let redirects = 0; ; redirects++) {
        const response = await fetch(url, { redirect: 'manual', signal: controller.signal });
        if (REDIRECT_STATUSES.has(response.status)) {
          await response.body?.cancel();
          const location = response.headers.get('location');
          if (!location || redirects >= this.maxRedirects) throw refused(location ? 'too many redirects' : 'a redirect without a location');
          url = this.checkedUrl(new URL(location, url).href);
          continue;
        }
        if (!response.ok) {
          await response.body?.cancel();
          throw refused(`the server answered ${response.status}`);
        }
        this.checkAnnouncedLength(response);
        const stream = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
        // The timer now guards the body: it stops when the stream is done either way.
        stream.once('close', () => clearTimeout(timer));
        return { stream, declaredType: declaredTypeOf(response.headers.get('content-type'), fileType) };
      }
    } catch (e) {
      clearTimeout(timer);
      if (e instanceof EvidenceRejected) throw e;
      throw refused('the download failed', e);
    }
  }

  private checkedUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refused('not a URL');
    }
    if (url.username || url.password) throw refused('credentials in the URL');
    const loopback = isLoopbackEndpoint(url.href);
    if (url.protocol === 'http:' && loopback && this.options.allowLoopbackHttp) return url;
    if (url.protocol !== 'https:') throw refused(`${url.protocol} is not allowed, only https`);
    // A real download URL names its host; an address literal points somewhere we did not mean to go.
    if (isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0 && !(loopback && this.options.allowLoopbackHttp)) throw refused('an IP address host');
    return url;
  }

  private checkAnnouncedLength(response: Response): void {
    const announced = Number(response.headers.get('content-length') ?? NaN);
    if (this.options.maxBytes !== undefined && Number.isFinite(announced) && announced > this.options.maxBytes) {
      void response.body?.cancel();
      throw new EvidenceRejected('poeTooLarge', `the file announces ${announced} bytes, more than ${this.options.maxBytes}`);
    }
  }
}

/**
 * The response's content type when it says something (a sharing page's text/html
 * included: the evidence check then refuses it), else Teams' `fileType` extension.
 */
function declaredTypeOf(contentType: string | null, fileType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  if (type !== '' && declaredKindOf('', type) !== 'unspecified') return type;
  const extension = fileType?.trim();
  return extension ? extension : undefined;
}
