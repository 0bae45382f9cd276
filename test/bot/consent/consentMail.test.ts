import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConsentTokens } from '../../../claims/consentToken';
import type { Claim, OutboxMessage } from '../../../claims/model';
import type { Mailer, MailMessage } from '../../../claims/ports';
import { composeConsentMail, linkIn, mailLocalesFor, type ConsentMailContent } from '../../../bot/consent/consentMail';
import { ConsentMailNotifier } from '../../../bot/consent/consentMailNotifier';
import { OutboxFolderMailer } from '../../../storage/mail/outboxFolderMailer';
import { MailRejected } from '../../../storage/mail/smtpMailer';
import {
  DAY,
  REVIEWER,
  claimIn,
  draft,
  read,
  refOf,
  useEngine,
  value,
  type Engine,
  type Partner,
} from '../../claims/engineHarness';
import { parseEml } from '../../support/emlReader';

const content: ConsentMailContent = {
  to: 'chris@contoso.com',
  contactName: "Chris O'Brien",
  partnerName: 'Fabrikam Consulting',
  customerDomain: 'contoso.com',
  productIds: ['exchangeOnline', 'microsoftTeams'],
  closesAt: '2026-03-09T17:00:00.000Z',
  timeZone: 'America/Los_Angeles',
  link: 'https://bot.example.com/consent/v1.abc.def',
  locale: 'en-US',
};

const HOSTILE_PARTNER = 'Fabrikam <script>alert(1)</script> & "Co"';

describe('consent email', () => {
  it('says who asks, for which products, until when, with the link, in English for most domains', () => {
    const mail = composeConsentMail(content);
    assert.equal(mail.to, 'chris@contoso.com');
    assert.equal(mail.subject, 'Fabrikam Consulting asks to be recognised as your Microsoft partner');
    assert.match(mail.text, /^Hello Chris O'Brien,/);
    assert.match(
      mail.text,
      /Fabrikam Consulting has told Microsoft that it helped contoso\.com with these products:\n  • Exchange Online\n  • Microsoft Teams/,
    );
    assert.match(mail.text, /becomes official on March 9, 2026 at 10:00 AM PDT/);
    assert.match(mail.text, /Review and answer: https:\/\/bot\.example\.com\/consent\/v1\.abc\.def\?lang=en-US\n/);
    assert.match(mail.html, /<a href="https:\/\/bot\.example\.com\/consent\/v1\.abc\.def\?lang=en-US"/);
    assert.match(mail.html, /<html lang="en">/);
    assert.doesNotMatch(mail.text, /── /, 'one section only');
  });

  it('links to the same page in every other language, the signed token untouched', () => {
    const mail = composeConsentMail(content);
    assert.match(
      mail.text,
      /This page in another language:\n {2}한국어: https:\/\/bot\.example\.com\/consent\/v1\.abc\.def\?lang=ko-KR\n {2}日本語: https:\/\/bot\.example\.com\/consent\/v1\.abc\.def\?lang=ja-JP\n/,
    );
    assert.match(
      mail.html,
      /<a href="https:\/\/bot\.example\.com\/consent\/v1\.abc\.def\?lang=ko-KR" lang="ko" hreflang="ko">한국어<\/a>/,
    );
    assert.match(
      mail.html,
      /<a href="https:\/\/bot\.example\.com\/consent\/v1\.abc\.def\?lang=ja-JP" lang="ja" hreflang="ja">日本語<\/a>/,
    );
    assert.doesNotMatch(mail.html, /\?lang=en-US" lang="en"/, 'not to its own language');
    assert.equal(linkIn('https://x/consent/t?a=1', 'ko-KR'), 'https://x/consent/t?a=1&lang=ko-KR');
  });

  it("opens in the customer's language, with English below and each section's button in its own language", () => {
    assert.deepEqual(mailLocalesFor('ko-KR'), ['ko-KR', 'en-US']);
    assert.deepEqual(mailLocalesFor('ja-JP'), ['ja-JP', 'en-US']);
    assert.deepEqual(mailLocalesFor('en-US'), ['en-US']);
    const korean = composeConsentMail({ ...content, locale: 'ko-KR' });
    assert.equal(korean.subject, 'Fabrikam Consulting에서 귀사의 Microsoft 파트너로 인정받기를 요청했습니다');
    assert.ok(korean.text.indexOf('옵트아웃') < korean.text.indexOf('── English ──'));
    assert.match(korean.text, /── English ──[\s\S]*Review and answer/);
    assert.match(korean.html, /<html lang="ko">[\s\S]*<div lang="ko"[\s\S]*<div lang="en"/);
    assert.match(korean.text, /검토 및 응답: https:\/\/bot\.example\.com\/consent\/v1\.abc\.def\?lang=ko-KR\n/);
    assert.match(korean.text, /다른 언어로 보기:\n {2}English: \S+\?lang=en-US\n {2}日本語: \S+\?lang=ja-JP/);
    assert.match(korean.text, /Review and answer: \S+\?lang=en-US\n/);
    const japanese = composeConsentMail({ ...content, locale: 'ja-JP' });
    assert.match(japanese.subject, /Microsoft パートナーとしての承認を求めています/);
    assert.match(japanese.text, /確認して回答する: https\S+\?lang=ja-JP/);
    assert.match(japanese.text, /他の言語で表示:/);
  });

  it('escapes every value in the HTML body and keeps it as typed in the text body', () => {
    const mail = composeConsentMail({
      ...content,
      partnerName: HOSTILE_PARTNER,
      contactName: '<b>Chris</b>',
      customerDomain: 'a"b.com',
      link: 'https://bot.example.com/consent/x?a=1&b="2"',
    });
    assert.doesNotMatch(mail.html, /<script>|<b>Chris|a"b\.com|b="2"/);
    assert.match(mail.html, /Fabrikam &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;Co&quot;/);
    assert.match(mail.html, /href="https:\/\/bot\.example\.com\/consent\/x\?a=1&amp;b=&quot;2&quot;&amp;lang=en-US"/);
    assert.ok(mail.text.includes(HOSTILE_PARTNER));
  });
});

/** A mailer port that fails as told: the one fake the notifier tests need. */
class FailingMailer implements Mailer {
  constructor(private readonly error: Error) {}
  send(_message: MailMessage): Promise<void> {
    return Promise.reject(this.error);
  }
}

describe('ConsentMailNotifier', () => {
  let engine: Engine;
  let partner: Partner;
  let directory: string;
  useEngine((fixture) => {
    engine = fixture.engine;
    partner = fixture.partner;
  });
  beforeEach(async () => {
    directory = path.join(await mkdtemp(path.join(tmpdir(), 'cpor-consent-mail-')), 'outbox');
  });
  afterEach(async () => {
    await rm(path.dirname(directory), { recursive: true, force: true });
  });

  const tokens = () => new ConsentTokens('consent-mail-test-key-0123456789abcdef', engine.clock);
  const notifierWith = (mailer: Mailer) =>
    new ConsentMailNotifier({
      mailer,
      tokens: tokens(),
      partners: engine.partners,
      publicUrl: 'https://bot.example.com/',
      timeZone: 'America/Los_Angeles',
      clock: engine.clock,
      log: engine.log,
    });
  const consentRequestOf = (claim: Claim): OutboxMessage => {
    const message = claim.outbox.find((m) => m.kind === 'customerConsentRequest');
    assert.ok(message, 'the approval put a consent request in the outbox');
    return message;
  };
  const mails = async () =>
    Promise.all(
      (await readdir(directory).catch(() => [])).map(async (file) =>
        parseEml(await readFile(path.join(directory, file))),
      ),
    );

  it("delivers the approval's consent request as an .eml to the customer contact, whose link carries a token for this claim and window", async () => {
    await engine.partners.upsert({ ...partner.org, name: HOSTILE_PARTNER });
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const mailer = new OutboxFolderMailer({ directory, from: 'CPOR <noreply@cpor.example>' });
    const notifier = notifierWith(mailer);
    const report = await engine
      .dispatcher({
        notifier: {
          deliver: (c, m) => (m.kind === 'customerConsentRequest' ? notifier.deliver(c, m) : Promise.resolve('sent')),
        },
      })
      .dispatch(await read(engine, claim));
    assert.equal(report.dead + report.retried, 0);
    const [mail, ...others] = await mails();
    assert.ok(mail);
    assert.equal(others.length, 0);
    assert.equal(mail.headers.get('to'), 'chris@contoso.com');
    assert.match(mail.html, /Fabrikam &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;Co&quot;/);
    assert.doesNotMatch(mail.html, /<script>/);
    const link = /https:\/\/bot\.example\.com\/consent\/([^\s?]+)\?lang=en-US\n/.exec(mail.text)?.[1];
    assert.ok(link, mail.text);
    assert.ok(mail.html.includes(`href="https://bot.example.com/consent/${link}?lang=en-US"`), mail.html);
    const grant = tokens().verify(decodeURIComponent(link));
    assert.ok(grant.ok);
    assert.deepEqual(
      [grant.value.claimId, grant.value.partnerId, grant.value.contactEmail, grant.value.expiresAt],
      [claim.id, claim.partnerId, 'chris@contoso.com', claim.windowClosesAt],
    );
    assert.equal(
      (await read(engine, claim)).value.outbox.filter((m) => m.kind === 'customerConsentRequest').length,
      0,
      'the message was settled',
    );
  });

  describe("the customer's language", () => {
    const subjectOf = async (claim: Claim) => {
      const notifier = notifierWith(new OutboxFolderMailer({ directory, from: 'CPOR <noreply@cpor.example>' }));
      assert.equal(await notifier.deliver(claim, consentRequestOf(claim)), 'sent');
      const sent = await mails();
      await rm(directory, { recursive: true, force: true });
      const logged = engine.logs.filter((entry) => entry.event === 'consentMail.sent').at(-1)?.facts;
      return { subject: sent[0]?.headers.get('subject') ?? '', text: sent[0]?.text ?? '', from: logged?.languageFrom };
    };
    const locatedIn = (country: string) =>
      engine.partners.upsert({ ...partner.org, locations: [{ mpnId: '1234567', name: 'Main office', country }] });

    it('is the language the claim was filed in, recorded when the partner submitted it, over a .com domain', async () => {
      const filing = await draft(engine, partner, { customerDomain: 'contoso.com' });
      const korean = { actor: { ...partner.admin.actor, locale: 'ko-KR' }, tenantId: partner.admin.tenantId };
      const submitted = value(await engine.lifecycle.submit(refOf(filing), korean)).value;
      assert.equal(submitted.filedLocale, 'ko-KR');
      assert.equal(submitted.history.at(-1)?.actor.locale, undefined, 'the history records who, not the language');
      value(await engine.lifecycle.startReview(refOf(filing), REVIEWER));
      const approved = value(await engine.lifecycle.approve(refOf(filing), REVIEWER)).value;
      const mail = await subjectOf(approved);
      assert.equal(mail.subject, 'Fabrikam Consulting에서 귀사의 Microsoft 파트너로 인정받기를 요청했습니다');
      assert.match(mail.text, /검토 및 응답: \S+\?lang=ko-KR\n[\s\S]*── English ──/);
      assert.equal(mail.from, 'filed');
    });

    it('beats the location and the domain when both say otherwise', async () => {
      await locatedIn('JP');
      const claim = await claimIn(engine, partner, 'approvedCustomerNotified', { customerDomain: 'contoso.jp' });
      const mail = await subjectOf({ ...claim, filedLocale: 'en-US' });
      assert.equal(mail.subject, 'Fabrikam Consulting asks to be recognised as your Microsoft partner');
      assert.equal(mail.from, 'filed');
    });

    it("for a claim filed before the language was recorded, is the partner location's country's", async () => {
      await locatedIn('jp');
      const claim = await claimIn(engine, partner, 'approvedCustomerNotified', { customerDomain: 'contoso.kr' });
      assert.equal(claim.filedLocale, undefined);
      const mail = await subjectOf(claim);
      assert.match(mail.subject, /Microsoft パートナーとしての承認を求めています/);
      assert.equal(mail.from, 'location');
    });

    it("falls back to the domain's top-level domain when the location has no country the table knows, then English", async () => {
      await locatedIn('DE');
      const korean = await claimIn(engine, partner, 'approvedCustomerNotified', { customerDomain: 'contoso.co.kr' });
      const mail = await subjectOf(korean);
      assert.match(mail.subject, /귀사의 Microsoft 파트너로/);
      assert.equal(mail.from, 'domain');
      const other = await claimIn(engine, partner, 'approvedCustomerNotified', { customerDomain: 'contoso.de' });
      const english = await subjectOf(other);
      assert.match(english.subject, /asks to be recognised/);
      assert.equal(english.from, 'default');
    });

    it('ignores a recorded language the table does not know, falling back as for an older claim', async () => {
      const claim = await claimIn(engine, partner, 'approvedCustomerNotified', { customerDomain: 'contoso.jp' });
      const mail = await subjectOf({ ...claim, filedLocale: 'fr-FR' });
      assert.match(mail.subject, /承認を求めています/);
      assert.equal(mail.from, 'domain');
    });
  });

  it('sends the same link when the outbox delivers the same message again', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const notifier = notifierWith(new OutboxFolderMailer({ directory, from: 'CPOR <noreply@cpor.example>' }));
    const message = consentRequestOf(claim);
    assert.equal(await notifier.deliver(claim, message), 'sent');
    assert.equal(await notifier.deliver(claim, message), 'sent');
    const links = (await mails()).map((mail) => /https:\/\/\S+/.exec(mail.text)?.[0]);
    assert.equal(links.length, 2);
    assert.equal(links[0], links[1]);
  });

  it('sends nothing once the window has closed, or without a customer contact (dead)', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const notifier = notifierWith(new OutboxFolderMailer({ directory, from: 'CPOR <noreply@cpor.example>' }));
    const message = consentRequestOf(claim);
    assert.equal(await notifier.deliver({ ...claim, customerContact: undefined }, message), 'dead');
    engine.clock.advance(30 * DAY);
    assert.equal(await notifier.deliver(claim, message), 'dead');
    assert.deepEqual(await mails(), []);
    assert.ok(
      engine.logs.some((entry) => entry.event === 'consentMail.notSent' && entry.facts.reason === 'windowClosed'),
    );
  });

  it('gives up on an address the server refuses for good, and retries any other failure', async () => {
    const claim = await claimIn(engine, partner, 'approvedCustomerNotified');
    const message = consentRequestOf(claim);
    assert.equal(await notifierWith(new FailingMailer(new MailRejected(550))).deliver(claim, message), 'dead');
    assert.equal(
      await notifierWith(
        new FailingMailer(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' })),
      ).deliver(claim, message),
      'retry',
    );
    const failures = engine.logs
      .filter((entry) => entry.event === 'consentMail.failed')
      .map((entry) => entry.facts.error);
    assert.deepEqual(failures, ['mailRejected', 'ECONNECTION']);
    assert.ok(!JSON.stringify(engine.logs).includes('chris@contoso.com'), 'no address in the logs');
  });
});
