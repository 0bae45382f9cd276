/**
 * Headers on every response we serve. The default Content-Security-Policy allows
 * nothing at all, which suits JSON and the plain status page; a page that needs
 * scripts or styles builds its own with `contentSecurityPolicy` and sets it itself.
 */
import type { Request, Response, Next } from 'restify';

export interface CspSources {
  scriptSrc?: string[];
  styleSrc?: string[];
  imgSrc?: string[];
  connectSrc?: string[];
  /** Where forms may post; none by default. */
  formAction?: string[];
}

export function contentSecurityPolicy(sources: CspSources = {}): string {
  const list = (values: string[] | undefined) => (values?.length ? values.join(' ') : "'none'");
  return [
    "default-src 'none'",
    `script-src ${list(sources.scriptSrc)}`,
    `style-src ${list(sources.styleSrc)}`,
    `img-src ${list(sources.imgSrc)}`,
    `connect-src ${list(sources.connectSrc)}`,
    `form-action ${list(sources.formAction)}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const STRICT_CSP = contentSecurityPolicy();

export function securityHeaders(publicUrl: string): (req: Request, res: Response, next: Next) => void {
  const https = publicUrl.startsWith('https:');
  return (_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', STRICT_CSP);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // Claims, health and consent pages are per-person and change: never cache them.
    res.setHeader('Cache-Control', 'no-store');
    if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}
