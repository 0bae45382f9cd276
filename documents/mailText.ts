/**
 * The readable text of an Internet message (.eml): the headers a reviewer looks at
 * (From, To, Cc, Date, Subject, encoded words decoded) and every text part of the
 * body, transfer encodings undone and charsets decoded (UTF-8, ISO-2022-JP, EUC-KR,
 * Shift_JIS, … as far as the runtime's TextDecoder knows them). Attached files are
 * not opened; HTML parts lose their markup; nothing is fetched.
 */

const SHOWN_HEADERS = ['from', 'to', 'cc', 'date', 'subject'];
/** Nested messages (a forwarded approval inside a forward) go this deep. */
const MAX_DEPTH = 5;

interface Part {
  headers: Map<string, string>;
  body: Buffer;
}

function splitPart(raw: Buffer): Part {
  const latin = raw.toString('latin1');
  const blank = /\r?\n\r?\n/.exec(latin);
  const headerEnd = blank ? blank.index : latin.length;
  const bodyStart = blank ? blank.index + blank[0].length : latin.length;
  const headers = new Map<string, string>();
  // Header bytes are kept as they are (UTF-8 per RFC 6532) until decoded below.
  const unfolded = raw
    .subarray(0, headerEnd)
    .toString('utf8')
    .replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body: raw.subarray(bodyStart) };
}

/** A parameter of a structured header, e.g. `charset` of Content-Type. */
function parameter(value: string | undefined, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder((charset ?? 'utf-8').trim().toLowerCase(), { fatal: false }).decode(bytes);
  } catch {
    // A charset the runtime does not know: UTF-8 shows the ASCII parts at least.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function quotedPrintable(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft[i] === '=' ? soft.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(soft.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function transferDecoded(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return quotedPrintable(body.toString('latin1'));
    default:
      return body;
  }
}

/** RFC 2047 encoded words (`=?ISO-2022-JP?B?…?=`) in a header value. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_whole, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : quotedPrintable(text.replace(/_/g, ' '));
      return decodeCharset(bytes, charset.split('*')[0]);
    });
}

/** What a browser would show of an HTML part, roughly: no markup, no scripts or styles. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<(br|\/p|\/div|\/tr|\/li|\/h\d)[^>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d+);/g, (_w, code: string) => String.fromCodePoint(Number(code) % 0x110000))
    .replace(/&amp;/gi, '&');
}

function bodyText(part: Part, depth: number): string[] {
  const type = (part.headers.get('content-type') ?? 'text/plain').split(';')[0].trim().toLowerCase();
  const disposition = part.headers.get('content-disposition') ?? '';
  if (depth > MAX_DEPTH) return [];
  if (type.startsWith('multipart/')) {
    const boundary = parameter(part.headers.get('content-type'), 'boundary');
    if (!boundary) return [];
    const sections = part.body.toString('latin1').split(`--${boundary}`).slice(1);
    const texts: string[] = [];
    for (const section of sections) {
      if (section.startsWith('--')) break;
      const child = splitPart(Buffer.from(section.replace(/^\r?\n/, ''), 'latin1'));
      texts.push(...bodyText(child, depth + 1));
    }
    // multipart/alternative carries the same text twice: the plain one is enough.
    if (type === 'multipart/alternative' && texts.length > 1) return texts.slice(0, 1);
    return texts;
  }
  if (type === 'message/rfc822')
    return mailLines(transferDecoded(part.body, part.headers.get('content-transfer-encoding')), depth + 1);
  if (/^\s*attachment/i.test(disposition) || !type.startsWith('text/')) return [];
  const decoded = decodeCharset(
    transferDecoded(part.body, part.headers.get('content-transfer-encoding')),
    parameter(part.headers.get('content-type'), 'charset'),
  );
  return [type === 'text/html' ? htmlToText(decoded) : decoded];
}

function mailLines(raw: Buffer, depth: number): string[] {
  const part = splitPart(raw);
  const headers = SHOWN_HEADERS.flatMap((name) => {
    const value = part.headers.get(name);
    return value ? [`${name[0].toUpperCase()}${name.slice(1)}: ${decodeEncodedWords(value)}`] : [];
  });
  return [...headers, ...bodyText(part, depth)];
}

/** The message's headers and text, one string. */
export function mailText(raw: Buffer): string {
  return mailLines(raw, 0).join('\n');
}
