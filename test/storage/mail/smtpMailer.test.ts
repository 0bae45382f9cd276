import assert from 'node:assert/strict';
import type { MailMessage } from '../../../claims/ports';
import { MailerOptionsError } from '../../../storage/mail/mailMessage';
import { MailRejected, SmtpMailer } from '../../../storage/mail/smtpMailer';
import { parseEml } from '../../support/emlReader';
import { startSmtpSink, type SmtpSink } from '../../support/smtpSink';

const FROM = 'CPOR Claims Bot <noreply@cpor.example>';
const message: MailMessage = {
  to: 'chris@contoso.com',
  subject: 'Consent',
  text: 'Open http://localhost:3978/consent/v1.abc.def',
  html: '<p><a href="http://localhost:3978/consent/v1.abc.def">Open</a></p>',
};

describe('SmtpMailer', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink();
  });
  after(async () => {
    await sink.close();
  });

  it('sends the message over SMTP to the recipient, from the configured sender', async () => {
    const mailer = new SmtpMailer({ smtpUrl: sink.url, from: FROM });
    try {
      await mailer.send(message);
    } finally {
      mailer.close();
    }
    const sent = sink.mails.at(-1);
    assert.ok(sent);
    assert.deepEqual(sent.to, ['<chris@contoso.com>']);
    assert.equal(sent.from, '<noreply@cpor.example>');
    const mail = parseEml(sent.data);
    assert.equal(mail.headers.get('to'), 'chris@contoso.com');
    assert.equal(mail.text.trim(), message.text);
    assert.equal(mail.html.trim(), message.html);
  });

  it('reports a recipient the server refuses for good as MailRejected', async () => {
    const mailer = new SmtpMailer({ smtpUrl: sink.url, from: FROM });
    try {
      await assert.rejects(
        mailer.send({ ...message, to: 'refuse@contoso.com' }),
        (e: unknown) => e instanceof MailRejected && e.responseCode === 550,
      );
    } finally {
      mailer.close();
    }
  });

  it('reports an unreachable server as a passing failure, not a refusal', async () => {
    const closed = await startSmtpSink();
    await closed.close();
    const mailer = new SmtpMailer({ smtpUrl: closed.url, from: FROM, timeoutMs: 2000 });
    await assert.rejects(mailer.send(message), (e: unknown) => e instanceof Error && !(e instanceof MailRejected));
  });

  it('refuses a URL that is not SMTP and a sender without an address', () => {
    const code = (expected: string) => (e: unknown) => e instanceof MailerOptionsError && e.code === expected;
    assert.throws(() => new SmtpMailer({ smtpUrl: 'https://smtp.example.com', from: FROM }), code('smtpUrlInvalid'));
    assert.throws(() => new SmtpMailer({ smtpUrl: 'not a url', from: FROM }), code('smtpUrlInvalid'));
    assert.throws(() => new SmtpMailer({ smtpUrl: sink.url, from: 'noreply' }), code('mailSenderInvalid'));
  });
});
