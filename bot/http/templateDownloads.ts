/**
 * The PoE template, made when its link is opened:
 *
 *   GET /poe-template?link={token}   the claim's filled-in Word template, from the claim
 *                                    as it is now, in the language the link was made for
 *
 * The token rides in the query: the router caps a path parameter at 100 characters.
 *
 * The PoE card shows the link from the start (cards/poe.json); making the document in
 * that turn cost a Word document, a Blob upload and a SAS for every claim, though most
 * partners bring their own signed SOW and never open it. Now the turn only signs a token
 * (claims/templateLinkToken.ts) and this route makes the document for whoever opens it.
 *
 * A refused link gets a short page in the link's (or the browser's) language and a 4xx:
 * damaged 400, forged 403, expired 410, claim gone 404; a storage or document failure
 * 503, asking to try again. Nothing is stored or changed, so a mail scanner or a link
 * preview opening it does no harm. Logs carry the claim id and outcome, never the token.
 */
import type { Request, Response, Server } from 'restify';
import type { Claim } from '../../claims/model';
import { errorName } from '../../claims/notifications';
import type { ClaimRepository, DocumentWriter, TemplateLinks } from '../../claims/ports';
import type { TemplateLinkTokens, TemplateTokenRefusal } from '../../claims/templateLinkToken';
import { isLocale, t, type Locale, type MessageKey } from '../../locales/i18n';
import { pageLocale } from '../consent/consentPages';
import { escapeHtml } from './html';

export const TEMPLATE_PATH = '/poe-template';
/** How long a template link opens the template: a working day, as the SAS it replaced. */
export const TEMPLATE_LINK_SECONDS = 6 * 3600;

/** Signs the PoE card's template links; no I/O, so showing the card costs one HMAC. */
export class SignedTemplateLinks implements TemplateLinks {
  private readonly base: string;

  constructor(
    publicUrl: string,
    private readonly tokens: TemplateLinkTokens,
    private readonly ttlSeconds = TEMPLATE_LINK_SECONDS,
  ) {
    this.base = `${publicUrl.replace(/\/+$/, '')}${TEMPLATE_PATH}`;
  }

  poeTemplate(claim: Pick<Claim, 'id' | 'partnerId'>, locale: string): string {
    const token = this.tokens.issue({ partnerId: claim.partnerId, claimId: claim.id, locale }, this.ttlSeconds);
    return `${this.base}?link=${token}`;
  }
}

/** What the route logs through: structurally a pino logger. */
export interface TemplateLog {
  info(facts: Record<string, unknown>, message: string): void;
  warn(facts: Record<string, unknown>, message: string): void;
}

export interface TemplateDownloadDeps {
  tokens: TemplateLinkTokens;
  claims: Pick<ClaimRepository, 'get'>;
  documents: DocumentWriter<Locale>;
  log: TemplateLog;
}

/** Each refusal's status and what the page says. */
const REFUSALS: Readonly<Record<TemplateTokenRefusal | 'claimGone' | 'unavailable', [number, MessageKey]>> = {
  tokenMalformed: [400, 'poeTemplate.linkInvalid'],
  tokenBadSignature: [403, 'poeTemplate.linkInvalid'],
  tokenExpired: [410, 'poeTemplate.linkExpired'],
  claimGone: [404, 'poeTemplate.claimGone'],
  unavailable: [503, 'poeTemplate.unavailable'],
};

/** A page with one message; no script or style, so the server's strict CSP stays as it is. */
export function templateMessagePage(locale: Locale, message: MessageKey): string {
  const text = (key: MessageKey) => escapeHtml(t(locale, key));
  return [
    `<!doctype html><html lang="${locale.split('-')[0]}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text('poeTemplate.title')} · ${text('app.name')}</title></head><body><main>`,
    `<h1>${text('poeTemplate.title')}</h1><p>${text(message)}</p>`,
    '</main></body></html>',
  ].join('');
}

export function templateDownloadRoutes(deps: TemplateDownloadDeps): (server: Server) => void {
  const refuse = (req: Request, res: Response, refusal: keyof typeof REFUSALS, locale?: Locale): void => {
    const [status, message] = REFUSALS[refusal];
    const shown = locale ?? pageLocale(undefined, req.headers['accept-language']);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Language', shown);
    res.setHeader('Cache-Control', 'no-store');
    res.sendRaw(status, templateMessagePage(shown, message));
  };

  // restify takes an async handler with two arguments and ends the chain when it settles.
  const serve = async (req: Request, res: Response): Promise<void> => {
    // The server registers no query parser: read the token from the URL ourselves.
    const token = new URL(req.url ?? '/', 'http://template.invalid').searchParams.get('link') ?? '';
    const verified = deps.tokens.verify(token);
    if (!verified.ok) {
      deps.log.info({ outcome: verified.error }, 'template link refused');
      refuse(req, res, verified.error);
      return;
    }
    const { partnerId, claimId, locale: linkLocale } = verified.value;
    // Signed by us, so one of ours; a locale a later release dropped falls back to the browser's.
    const locale = isLocale(linkLocale) ? linkLocale : pageLocale(undefined, req.headers['accept-language']);
    try {
      const claim = await deps.claims.get(partnerId, claimId);
      if (!claim) {
        deps.log.info({ claimId, outcome: 'claimGone' }, 'template link refused');
        refuse(req, res, 'claimGone', locale);
        return;
      }
      const document = await deps.documents.poeTemplate(claim.value, locale);
      res.setHeader('Content-Type', document.contentType);
      // Our own ASCII file name (poe-template-<claim id>.docx), so it needs no encoding.
      res.setHeader('Content-Disposition', `attachment; filename="${document.fileName}"`);
      res.setHeader('Cache-Control', 'private, no-store');
      res.sendRaw(200, document.bytes);
      deps.log.info({ claimId, outcome: 'served', bytes: document.bytes.length }, 'template served');
    } catch (e) {
      deps.log.warn({ claimId, outcome: 'unavailable', error: errorName(e) }, 'template could not be made');
      refuse(req, res, 'unavailable', locale);
    }
  };

  return (server) => {
    server.get(TEMPLATE_PATH, serve);
  };
}
