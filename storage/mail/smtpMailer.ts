/**
 * The Mailer port over SMTP (nodemailer), from SMTP_URL such as
 * `smtps://user:pass@smtp.example.com:465`. A send gives up within a minute or so (the
 * outbox dispatcher leases a message for two), and a recipient the server refuses for
 * good (a 5xx answer) is reported as `MailRejected`, so the caller stops retrying it.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { MailRejected, type Mailer, type MailMessage } from '../../claims/ports';
import { checkedSender, MailerOptionsError, nodemailerMessage } from './mailMessage';

export interface SmtpMailerOptions {
  smtpUrl: string;
  from: string;
  /** Per phase (connect, greeting, each socket wait). Default 20 seconds. */
  timeoutMs?: number;
}

export { MailRejected };

/** An SMTP reply code on a nodemailer error, if it has one. */
function responseCodeOf(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code: unknown = Reflect.get(e, 'responseCode');
  return typeof code === 'number' ? code : undefined;
}

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(options: SmtpMailerOptions) {
    this.from = checkedSender(options.from);
    let url: URL;
    try {
      url = new URL(options.smtpUrl);
    } catch {
      throw new MailerOptionsError('smtpUrlInvalid', 'SMTP_URL is not a URL');
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
      throw new MailerOptionsError('smtpUrlInvalid', 'SMTP_URL must be an smtp:// or smtps:// URL');
    const timeout = options.timeoutMs ?? 20_000;
    this.transport = nodemailer.createTransport({
      url: options.smtpUrl,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(message: MailMessage): Promise<void> {
    try {
      await this.transport.sendMail(nodemailerMessage(this.from, message));
    } catch (e) {
      const code = responseCodeOf(e);
      if (code !== undefined && code >= 500 && code < 600) throw new MailRejected(code);
      throw e;
    }
  }

  close(): void {
    this.transport.close();
  }
}
