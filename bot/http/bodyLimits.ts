/**
 * Request bodies: read with a size limit on every route (over it: 413), parsed as
 * JSON or a URL-encoded form, anything else refused (415). Compressed bodies are
 * refused too, since the limit counts bytes on the wire and a small gzip body can
 * inflate to many megabytes.
 */
import restify, { type Request, type Response, type Next, type RequestHandler } from 'restify';

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export function refuseEncodedBodies(req: Request, res: Response, next: Next): void {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity')
    return refuse(res, next, 415, 'UnsupportedMediaType', 'compressed request bodies are not accepted');
  next();
}

export function bodyHandlers(maxBodyBytes: number): RequestHandler[] {
  return [restify.plugins.bodyReader({ maxBodySize: maxBodyBytes }), parseBody];
}

function parseBody(req: Request, res: Response, next: Next): void {
  const raw: unknown = req.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : undefined;
  const hasBody = req.getContentLength() > 0 || req.isChunked();
  if (!hasBody || req.method === 'GET' || req.method === 'HEAD') {
    req.body = undefined;
    return next();
  }
  const type = req.getContentType().toLowerCase();
  if (type === 'application/json' || /^application\/[\w.+-]*\+json$/.test(type)) {
    try {
      req.body = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      return refuse(res, next, 400, 'BadRequest', 'request body is not valid JSON');
    }
    return next();
  }
  if (type === 'application/x-www-form-urlencoded') {
    req.body = Object.fromEntries(new URLSearchParams(text ?? ''));
    return next();
  }
  refuse(res, next, 415, 'UnsupportedMediaType', 'request body must be JSON or a URL-encoded form');
}

/** Answers in restify's own error shape ({ code, message }) and ends the chain. */
function refuse(res: Response, next: Next, status: number, code: string, message: string): void {
  res.send(status, { code, message });
  next(false);
}
