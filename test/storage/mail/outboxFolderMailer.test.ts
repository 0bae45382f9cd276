import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MailMessage } from '../../../claims/ports';
import { MailerOptionsError } from '../../../storage/mail/mailMessage';
import { OutboxFolderMailer, type MailLog } from '../../../storage/mail/outboxFolderMailer';
import { parseEml } from '../../support/emlReader';

const FROM = 'CPOR Claims Bot <noreply@cpor.example>';
const message: MailMessage = {
  to: 'chris@contoso.com',
  subject: 'Fabrikam 컨설팅 asks for your consent',
  text: 'Open http://localhost:3978/consent/v1.abc.def to answer.\nOr https://example.test/other.',
  html: '<p>Fabrikam &lt;b&gt; <a href="http://localhost:3978/consent/v1.abc.def">answer</a></p>',
};

class RecordingLog implements MailLog {
  readonly entries: { facts: Record<string, unknown>; message: string }[] = [];
  info(facts: Record<string, unknown>, message: string): void {
    this.entries.push({ facts, message });
  }
}

describe('OutboxFolderMailer', () => {
  let directory: string;
  beforeEach(async () => {
    directory = path.join(await mkdtemp(path.join(tmpdir(), 'cpor-outbox-')), 'outbox');
  });
  afterEach(async () => {
    await rm(path.dirname(directory), { recursive: true, force: true });
  });

  it('writes one RFC 822 .eml per message into a folder it creates, with sender, recipient, subject and both bodies', async () => {
    const mailer = new OutboxFolderMailer({ directory, from: FROM });
    await mailer.send(message);
    const files = await readdir(directory);
    assert.equal(files.length, 1);
    assert.match(files[0] ?? '', /^\d{4}-\d{2}-\d{2}T[\d-]+Z-[0-9a-f]{8}\.eml$/);
    const raw = await readFile(path.join(directory, files[0] ?? ''));
    assert.ok(raw.includes('\r\n'), 'CRLF line ends, as on the wire');
    const mail = parseEml(raw);
    assert.equal(mail.headers.get('to'), 'chris@contoso.com');
    assert.equal(mail.headers.get('from'), FROM);
    assert.equal(mail.headers.get('subject'), message.subject);
    assert.match(mail.headers.get('content-type') ?? '', /^multipart\/alternative/);
    assert.equal(mail.text.trim(), message.text);
    assert.equal(mail.html.trim(), message.html);
  });

  it('keeps each message in its own file, and leaves no temporary file behind', async () => {
    const mailer = new OutboxFolderMailer({ directory, from: FROM });
    await Promise.all([mailer.send(message), mailer.send({ ...message, to: 'dana@contoso.com' })]);
    const files = await readdir(directory);
    assert.equal(files.length, 2);
    assert.ok(files.every((f) => f.endsWith('.eml')));
    const recipients = await Promise.all(
      files.map(async (f) => parseEml(await readFile(path.join(directory, f))).headers.get('to')),
    );
    assert.deepEqual(recipients.sort(), ['chris@contoso.com', 'dana@contoso.com']);
  });

  it('logs the file and, when asked, the links of the text body, but never the recipient', async () => {
    const log = new RecordingLog();
    const file = await new OutboxFolderMailer({ directory, from: FROM, log, logLinks: true }).write(message);
    assert.equal(log.entries.length, 1);
    assert.deepEqual(log.entries[0]?.facts, {
      file,
      links: ['http://localhost:3978/consent/v1.abc.def', 'https://example.test/other'],
    });
    assert.ok(!JSON.stringify(log.entries).includes('chris@'));
    const quiet = new RecordingLog();
    await new OutboxFolderMailer({ directory, from: FROM, log: quiet }).send(message);
    assert.equal(quiet.entries[0]?.facts.links, undefined);
  });

  it('does not let a line break in the subject add a header', async () => {
    const file = await new OutboxFolderMailer({ directory, from: FROM }).write({
      ...message,
      subject: 'Hi\r\nBcc: mallory@evil.example',
    });
    const mail = parseEml(await readFile(file));
    assert.equal(mail.headers.get('bcc'), undefined);
    assert.ok(!(await readFile(file, 'utf8')).includes('\r\nBcc:'));
  });

  it('refuses a sender without an address and a relative folder', () => {
    assert.throws(
      () => new OutboxFolderMailer({ directory, from: 'nobody' }),
      (e: unknown) => e instanceof MailerOptionsError && e.code === 'mailSenderInvalid',
    );
    assert.throws(
      () => new OutboxFolderMailer({ directory: '.data/outbox', from: FROM }),
      (e: unknown) => e instanceof MailerOptionsError && e.code === 'outboxDirectoryInvalid',
    );
  });
});
