/**
 * What both mail adapters hand nodemailer: the port's message with our sender, and
 * nothing that could make nodemailer read a local file or fetch a URL while building it.
 */
import type { SendMailOptions } from 'nodemailer';
import type { MailMessage } from '../../claims/ports';

/** Options for a mail adapter that cannot work fail at construction, naming what is wrong. */
export class MailerOptionsError extends Error {
  constructor(
    readonly code: 'mailSenderInvalid' | 'smtpUrlInvalid' | 'outboxDirectoryInvalid',
    message: string,
  ) {
    super(message);
    this.name = 'MailerOptionsError';
  }
}

export function checkedSender(from: string): string {
  if (!/[^\s@<>]+@[^\s@<>]+/.test(from))
    throw new MailerOptionsError('mailSenderInvalid', 'the sender (MAIL_FROM) must contain an email address');
  return from;
}

export function nodemailerMessage(from: string, message: MailMessage): SendMailOptions {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    // The HTML carries user text (escaped); make sure no path or URL in it is ever followed.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
