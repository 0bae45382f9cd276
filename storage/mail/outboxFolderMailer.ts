/**
 * The local default Mailer: every message becomes an RFC 822 `.eml` file in a folder
 * (DATA_DIR/outbox), built by nodemailer exactly as SMTP would send it, so a developer
 * opens it in any mail client. It can also log the links in the text body: locally that
 * is how you reach the consent page without a mail server. Never used with SMTP_URL set.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { systemClock, type Clock, type Mailer, type MailMessage } from '../../claims/ports';
import { checkedSender, MailerOptionsError, nodemailerMessage } from './mailMessage';

/** Structurally a pino logger's `info`, so storage needs nothing from bot/. */
export interface MailLog {
  info(facts: Record<string, unknown>, message: string): void;
}

export interface OutboxFolderMailerOptions {
  /** Absolute folder; created when missing. */
  directory: string;
  from: string;
  log?: MailLog;
  /** Log the http(s) links of each message's text body (local mode: the consent link). */
  logLinks?: boolean;
  clock?: Clock;
}

const LINK = /https?:\/\/[^\s<>"']+/g;
/** A sentence's full stop or closing bracket right after a link is not part of it. */
const linksIn = (text: string): string[] => [
  ...new Set((text.match(LINK) ?? []).map((link) => link.replace(/[.,;:!?)]+$/, ''))),
];

/** nodemailer building the whole message in memory (CRLF, as on the wire) instead of sending it. */
const bufferTransport = () => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

export class OutboxFolderMailer implements Mailer {
  private readonly transport = bufferTransport();
  private readonly from: string;
  private readonly clock: Clock;

  constructor(private readonly options: OutboxFolderMailerOptions) {
    this.from = checkedSender(options.from);
    if (!path.isAbsolute(options.directory))
      throw new MailerOptionsError('outboxDirectoryInvalid', 'the mail outbox folder must be an absolute path');
    this.clock = options.clock ?? systemClock;
  }

  async send(message: MailMessage): Promise<void> {
    await this.write(message);
  }

  /** Writes the message and returns the file it went to. */
  async write(message: MailMessage): Promise<string> {
    const info = await this.transport.sendMail(nodemailerMessage(this.from, message));
    if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer did not build the message as a buffer');
    await mkdir(this.options.directory, { recursive: true });
    const stamp = this.clock.now().toISOString().replace(/[:.]/g, '-');
    const file = path.join(this.options.directory, `${stamp}-${randomBytes(4).toString('hex')}.eml`);
    // Written whole under a temporary name first: a reader never sees half a message.
    const temp = `${file}.tmp`;
    await writeFile(temp, info.message, { mode: 0o600 });
    await rename(temp, file);
    const links = this.options.logLinks ? linksIn(message.text) : undefined;
    this.options.log?.info({ file, ...(links ? { links } : {}) }, 'mail written to the local outbox');
    return file;
  }
}
