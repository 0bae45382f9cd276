/**
 * The customer's consent page, served by the bot:
 *
 *   GET  /consent/{token}       shows the consent card; changes nothing (mail scanners
 *                               and link previews fetch links before people do).
 *                               `?lang=` picks the language (checked against the
 *                               language table; it is outside the signed token);
 *                               `&step=optOut` shows the opt-out confirmation
 *   POST /consent/{token}       the form (with the CSRF token): Approve records the
 *                               approval; Opt out only shows the confirmation, whose
 *                               Confirm opt-out records the opt-out with the optional
 *                               reason (refused with the typed text kept when too long)
 *   GET  /static/adaptivecards.js  the official renderer, from our own node_modules
 *
 * A link is refused with a page and a 4xx, never a 5xx and never a recorded decision:
 * damaged 400, forged or for another purpose 403, expired or superseded 410, claim gone
 * 404, already answered or no longer open 409. A POST also needs the CSRF token the page
 * gave (403) in a small form (413). The same answer twice is the same confirmation (a
 * double click); a different answer after the first is refused with the recorded one.
 * Only a storage failure answers 503, asking to try again.
 *
 * The decision is recorded first, idempotently, then the link's nonce is burnt (see
 * storage/consentNonceStore.ts for why that order). Logs carry ids, the outcome, the
 * client's address and user agent: never the token or the contact's email.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Next, Request, Response, Server } from 'restify';
import type { ConsentGrant } from '../../claims/consentToken';
import type { CustomerDecision } from '../../claims/lifecycle';
import type { Claim } from '../../claims/model';
import { errorName } from '../../claims/notifications';
import {
  CONSENT_STEPS,
  formatConsentDeadline,
  isConsentVerb,
  OPT_OUT_REASON_FIELD,
  reasonProblemText,
  renderConsentCard,
} from '../../cards/consentCard';
import { t, type Locale } from '../../locales/i18n';
import { checkConsentLink, recordedAnswer, sameContactEmail, type ConsentAnswerDeps } from './consentLinkCheck';
import { partnerDisplayName } from './consentLinks';
import {
  ADAPTIVE_CARDS_SCRIPT_PATH,
  consentCardPage,
  consentMessagePage,
  optOutPage,
  pageLocale,
  pageQuery,
  type MessagePageView,
} from './consentPages';
import { contentSecurityPolicy } from '../http/securityHeaders';

/** What the routes log through: structurally a pino logger. */
export interface ConsentLog {
  info(facts: Record<string, unknown>, message: string): void;
  warn(facts: Record<string, unknown>, message: string): void;
  error(facts: Record<string, unknown>, message: string): void;
}

export interface ConsentRoutesDeps extends ConsentAnswerDeps {
  log: ConsentLog;
  /** Decides whether the CSRF cookie is Secure (https). */
  publicUrl: string;
  /** The zone dates are shown in (the business calendar's). */
  timeZone: string;
  /** Take the client address from X-Forwarded-For: only behind a proxy that sets it (App Service). */
  trustForwardedFor?: boolean;
  /**
   * Largest answer form accepted; default 6 KB: the opt-out reason at its longest in
   * Korean or Japanese is about 4.5 KB form-encoded, and a little over it must still
   * reach the check that says "too long" and keeps the text.
   */
  maxFormBytes?: number;
  /** Where the renderer's script is; default the installed `adaptivecards` package. */
  adaptiveCardsScriptFile?: string;
}

/**
 * A wildcard, not `:token`: the router refuses parameters over 100 characters and a
 * token is several hundred. Anything after the prefix is the token (a `/` in it makes
 * it malformed). The request log shows this pattern, never the token.
 */
const CONSENT_ROUTE = '/consent/*';
const tokenOf = (req: Request): string => String((req.params as Record<string, unknown> | undefined)?.['*'] ?? '');
/** The server registers no query parser: the URL's query, read ourselves. */
const queryOf = (req: Request): URLSearchParams => new URL(req.url ?? '/', 'http://consent.invalid').searchParams;
const DEFAULT_MAX_FORM_BYTES = 6 * 1024;
const CSRF_COOKIE_SECONDS = 3600;

type Refusal = { status: number; view: MessagePageView; outcome: string };
type RefusalKey = 'malformed' | 'forged' | 'superseded' | 'notFound' | 'closed' | 'csrf' | 'badRequest' | 'busy';

/** Where a link stands, read without changing anything. */
type LinkState =
  | { kind: 'refused'; refusal: Refusal; grant?: ConsentGrant }
  | { kind: 'open'; grant: ConsentGrant; claim: Claim }
  | { kind: 'answered'; grant: ConsentGrant; claim: Claim; decision: CustomerDecision; at: string };

export function createConsentRoutes(deps: ConsentRoutesDeps): (server: Server) => void {
  const script = readFileSync(
    deps.adaptiveCardsScriptFile ?? require.resolve('adaptivecards/dist/adaptivecards.min.js'),
  );
  const maxFormBytes = deps.maxFormBytes ?? DEFAULT_MAX_FORM_BYTES;
  const secureCookie = deps.publicUrl.startsWith('https:');

  const refusalOf = (locale: Locale, key: RefusalKey, status: number): Refusal => ({
    status,
    outcome: key,
    view: { title: t(locale, 'consent.errors.title'), paragraphs: [t(locale, `consent.errors.${key}`)], tone: 'bad' },
  });
  const expired = (locale: Locale, grant: ConsentGrant): Refusal => ({
    status: 410,
    outcome: 'expired',
    view: {
      title: t(locale, 'consent.errors.expiredTitle'),
      paragraphs: [
        t(locale, 'consent.errors.expired', { date: formatConsentDeadline(locale, grant.expiresAt, deps.timeZone) }),
      ],
      tone: 'neutral',
    },
  });
  const answeredPage = (locale: Locale, decision: CustomerDecision, at: string): Refusal => ({
    status: 409,
    outcome: 'alreadyAnswered',
    view: {
      title: t(locale, 'consent.page.usedTitle'),
      paragraphs: [
        t(locale, decision === 'approve' ? 'consent.page.usedApproved' : 'consent.page.usedOptedOut', {
          date: formatConsentDeadline(locale, at, deps.timeZone),
        }),
      ],
      tone: 'neutral',
    },
  });

  /** The answer given through an expired link, if it was answered; an unanswered one stays refused. */
  async function answeredLink(grant: ConsentGrant): Promise<LinkState | undefined> {
    const stored = await deps.claims.get(grant.partnerId, grant.claimId);
    if (!stored || !sameContactEmail(stored.value.customerContact?.email, grant.contactEmail)) return undefined;
    const answer = await recordedAnswer(deps.nonces, grant, stored.value);
    return answer ? { kind: 'answered', grant, claim: stored.value, ...answer } : undefined;
  }

  /** Verifies the token and reads the claim and what the link was used for; writes nothing. */
  async function inspect(token: string, locale: Locale): Promise<LinkState> {
    const checked = await checkConsentLink(deps, token);
    if (checked.kind === 'refused') {
      switch (checked.reason) {
        case 'tokenExpired': {
          // A link answered before its window closed says so, not "expired": the answer is what the customer looks for.
          const used = await answeredLink(checked.grant);
          if (used) return used;
          return { kind: 'refused', refusal: expired(locale, checked.grant), grant: checked.grant };
        }
        case 'notFound':
          return { kind: 'refused', refusal: refusalOf(locale, 'notFound', 404), grant: checked.grant };
        case 'superseded':
          return { kind: 'refused', refusal: refusalOf(locale, 'superseded', 410), grant: checked.grant };
        case 'tokenMalformed':
          return { kind: 'refused', refusal: refusalOf(locale, 'malformed', 400) };
        case 'tokenBadSignature':
        case 'tokenWrongPurpose':
          return { kind: 'refused', refusal: refusalOf(locale, 'forged', 403) };
      }
    }
    const { grant, claim } = checked;
    const answer = await recordedAnswer(deps.nonces, grant, claim);
    if (answer) return { kind: 'answered', grant, claim, ...answer };
    if (claim.status !== 'approvedCustomerNotified')
      return { kind: 'refused', refusal: refusalOf(locale, 'closed', 409), grant };
    return { kind: 'open', grant, claim };
  }

  function respond(res: Response, locale: Locale, status: number, html: string, nonce: string): void {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader(
      'Content-Security-Policy',
      contentSecurityPolicy({
        scriptSrc: [`'nonce-${nonce}'`],
        styleSrc: [`'nonce-${nonce}'`],
        formAction: ["'self'"],
      }),
    );
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Language', locale);
    res.sendRaw(status, html);
  }

  const sendPage = (res: Response, locale: Locale, status: number, html: (nonce: string) => string) => {
    const nonce = randomBytes(16).toString('base64');
    respond(res, locale, status, html(nonce), nonce);
  };
  const sendMessage = (res: Response, locale: Locale, status: number, view: MessagePageView) =>
    sendPage(res, locale, status, (nonce) => consentMessagePage({ locale, nonce }, view));

  /** The page saying the answer is recorded (also for the same answer again: a double click). */
  async function sendRecorded(res: Response, locale: Locale, claim: Claim, decision: CustomerDecision) {
    const org = await deps.partners.get(claim.partnerId).catch(() => undefined);
    const partner = partnerDisplayName(org, claim);
    sendMessage(res, locale, 200, {
      title: t(locale, decision === 'approve' ? 'consent.page.approvedTitle' : 'consent.page.optedOutTitle'),
      paragraphs: [
        t(locale, decision === 'approve' ? 'consent.page.approvedBody' : 'consent.page.optedOutBody', { partner }),
        t(locale, 'consent.page.closeHint'),
      ],
      tone: decision === 'approve' ? 'good' : 'neutral',
    });
  }

  /** A fresh page secret in this link's cookie, and the form's CSRF token bound to it. */
  function issueCsrf(res: Response, grant: ConsentGrant): string {
    const pageSecret = deps.tokens.newPageSecret();
    const cookie = [
      `${deps.tokens.csrfCookieName(grant)}=${pageSecret}`,
      'Path=/consent',
      `Max-Age=${CSRF_COOKIE_SECONDS}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(secureCookie ? ['Secure'] : []),
    ];
    res.setHeader('Set-Cookie', cookie.join('; '));
    return deps.tokens.csrfToken(grant, pageSecret);
  }

  function clientFacts(req: Request): Record<string, unknown> {
    const forwarded = deps.trustForwardedFor
      ? String(req.headers['x-forwarded-for'] ?? '')
          .split(',')[0]
          ?.trim()
      : '';
    return {
      ip: forwarded || req.socket.remoteAddress,
      userAgent: String(req.headers['user-agent'] ?? '').slice(0, 256),
    };
  }

  const grantFacts = (grant: ConsentGrant | undefined) =>
    grant ? { claimId: grant.claimId, partnerId: grant.partnerId } : {};

  /** Runs a page handler; a storage failure becomes a 503 page, never a stack trace. */
  const page =
    (handler: (req: Request, res: Response, locale: Locale) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const locale = pageLocale(queryOf(req).get('lang') ?? undefined, req.headers['accept-language']);
      try {
        await handler(req, res, locale);
      } catch (e) {
        deps.log.error(
          { event: 'consent.failed', method: req.method, error: errorName(e), ...clientFacts(req) },
          'consent page failed',
        );
        if (!res.headersSent) {
          res.setHeader('Retry-After', '30');
          sendMessage(res, locale, 503, refusalOf(locale, 'busy', 503).view);
        }
      }
    };

  async function showCard(req: Request, res: Response, locale: Locale): Promise<void> {
    const token = tokenOf(req);
    const state = await inspect(token, locale);
    const facts = { event: 'consent.viewed', ...grantFacts(state.grant), ...clientFacts(req) };
    if (state.kind === 'refused') {
      deps.log.info({ ...facts, outcome: state.refusal.outcome }, 'consent link refused');
      return sendMessage(res, locale, state.refusal.status, state.refusal.view);
    }
    if (state.kind === 'answered') {
      deps.log.info({ ...facts, outcome: 'alreadyAnswered' }, 'consent link already used');
      const answered = answeredPage(locale, state.decision, state.at);
      return sendMessage(res, locale, answered.status, answered.view);
    }
    const { claim, grant } = state;
    const org = await deps.partners.get(claim.partnerId);
    const partnerName = partnerDisplayName(org, claim);
    const csrf = issueCsrf(res, grant);
    if (queryOf(req).get('step') === 'optOut') {
      deps.log.info({ ...facts, outcome: 'optOutShown' }, 'consent opt-out confirmation shown');
      return sendPage(res, locale, 200, (nonce) => optOutPage({ locale, nonce }, { partnerName, csrf }));
    }
    const card = renderConsentCard(
      {
        claimId: claim.id,
        token,
        partnerName,
        customerDomain: claim.customerDomain,
        productIds: claim.productIds,
        closesAt: grant.expiresAt,
        timeZone: deps.timeZone,
      },
      locale,
    );
    deps.log.info({ ...facts, outcome: 'shown' }, 'consent card shown');
    sendPage(res, locale, 200, (nonce) => consentCardPage({ locale, nonce }, { card: card.content, csrf }));
  }

  async function recordAnswer(req: Request, res: Response, locale: Locale): Promise<void> {
    const token = tokenOf(req);
    const form = formOf(req.body);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxFormBytes || Buffer.byteLength(new URLSearchParams(form).toString()) > maxFormBytes) {
      deps.log.info(
        { event: 'consent.answered', outcome: 'formTooLarge', ...clientFacts(req) },
        'consent answer refused',
      );
      return sendMessage(res, locale, 413, refusalOf(locale, 'badRequest', 413).view);
    }
    const state = await inspect(token, locale);
    const facts = { event: 'consent.answered', ...grantFacts(state.grant), ...clientFacts(req) };
    const refuse = (refusal: Refusal) => {
      deps.log.info({ ...facts, outcome: refusal.outcome }, 'consent answer refused');
      sendMessage(res, locale, refusal.status, refusal.view);
    };
    if (state.kind === 'refused') return refuse(state.refusal);
    const { grant, claim } = state;
    if (!deps.tokens.verifyCsrf(grant, cookieValue(req, deps.tokens.csrfCookieName(grant)), form.csrf))
      return refuse(refusalOf(locale, 'csrf', 403));
    if (!isConsentVerb(form.verb)) return refuse(refusalOf(locale, 'badRequest', 400));
    const step = CONSENT_STEPS[form.verb];
    if (step.kind === 'back') {
      // The card again, by its own GET (a fresh page secret); nothing was recorded.
      res.setHeader('Location', pageQuery(locale));
      res.sendRaw(303, '');
      return;
    }
    if (step.kind === 'confirmOptOut') {
      if (state.kind === 'answered')
        return state.decision === 'optOut'
          ? sendRecorded(res, locale, claim, 'optOut')
          : refuse(answeredPage(locale, state.decision, state.at));
      const org = await deps.partners.get(claim.partnerId);
      deps.log.info({ ...facts, outcome: 'optOutShown' }, 'consent opt-out confirmation shown');
      // The CSRF token just verified is bound to this browser's cookie: the confirmation's form carries it on.
      return sendPage(res, locale, 200, (nonce) =>
        optOutPage({ locale, nonce }, { partnerName: partnerDisplayName(org, claim), csrf: form.csrf ?? '' }),
      );
    }
    const { decision } = step;
    if (state.kind === 'answered' && state.decision !== decision)
      return refuse(answeredPage(locale, state.decision, state.at));

    const reason = decision === 'optOut' ? form[OPT_OUT_REASON_FIELD] : undefined;
    const result = await deps.lifecycle.customerDecision(
      { partnerId: grant.partnerId, claimId: grant.claimId },
      { actor: { role: 'customer', id: grant.contactEmail } },
      decision,
      reason,
    );
    if (!result.ok) {
      const problem = result.error[0];
      const reasonRefused = reasonProblemText(locale, problem);
      if (reasonRefused !== undefined) {
        deps.log.info({ ...facts, outcome: 'reasonRefused', code: problem?.code }, 'consent answer refused');
        const org = await deps.partners.get(claim.partnerId);
        return sendPage(res, locale, 400, (nonce) =>
          optOutPage(
            { locale, nonce },
            { partnerName: partnerDisplayName(org, claim), csrf: form.csrf ?? '', reason, problem: reasonRefused },
          ),
        );
      }
      if (problem?.code === 'customerAlreadyDecided') {
        // Answered differently a moment ago (another tab, the Teams card): show that answer.
        const now = await inspect(token, locale);
        if (now.kind === 'answered') return refuse(answeredPage(locale, now.decision, now.at));
      }
      if (problem?.code === 'optOutWindowClosed') return refuse(expired(locale, grant));
      if (problem?.code === 'notFound') return refuse(refusalOf(locale, 'notFound', 404));
      return refuse(refusalOf(locale, problem?.code === 'transitionNotAllowed' ? 'closed' : 'busy', 409));
    }
    await burn(grant, decision);
    deps.log.info({ ...facts, decision, outcome: 'recorded' }, 'consent answer recorded');
    res.setHeader(
      'Set-Cookie',
      `${deps.tokens.csrfCookieName(grant)}=; Path=/consent; Max-Age=0; HttpOnly; SameSite=Strict${secureCookie ? '; Secure' : ''}`,
    );
    await sendRecorded(res, locale, claim, decision);
  }

  /** Marks the link used. The decision is already recorded, so a failure here only loses the mark, which the claim's history makes up for. */
  async function burn(grant: ConsentGrant, decision: CustomerDecision): Promise<void> {
    try {
      await deps.nonces.consume(grant.nonce, grant.expiresAt, {
        claimId: grant.claimId,
        partnerId: grant.partnerId,
        decision,
      });
    } catch (e) {
      deps.log.warn(
        { event: 'consent.nonceNotBurnt', claimId: grant.claimId, error: errorName(e) },
        'consent link not marked used',
      );
    }
  }

  return (server: Server) => {
    server.get(ADAPTIVE_CARDS_SCRIPT_PATH, (_req: Request, res: Response, next: Next) => {
      res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
      res.setHeader('Cache-Control', 'public, max-age=86400');
      res.sendRaw(200, script);
      next();
    });
    server.get(CONSENT_ROUTE, page(showCard));
    server.post(CONSENT_ROUTE, page(recordAnswer));
  };
}

/** The form's string fields; anything else (a JSON body, arrays) reads as absent. */
function formOf(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  return Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
