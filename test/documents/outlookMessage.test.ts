/**
 * Outlook .msg files read through the compound-file reader and checked: one saved by
 * Outlook itself (a public sample, see samples/README.md), and a real-shaped customer
 * approval whose pieces sit in separate MAPI properties — the products only in the
 * subject, the partner's work and the signed approval in the body, the customer's
 * address only as the sender, the date only as the submit time.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sniffEvidenceKind } from '../../claims/evidenceType';
import { checkPoeText } from '../../claims/poeCheck';
import { extractText } from '../../documents/evidenceText';
import { org, validClaim } from '../claims/fixtures';
import { outlookMessage } from '../support/outlookMessage';

const claim = validClaim({ productIds: ['dynamics365Sales', 'powerBI'] });
const context = { now: new Date('2026-12-01T09:00:00Z'), partnerNames: [org.name] };

describe('PoE text: Outlook messages (.msg)', function () {
  this.timeout(60_000);

  it('reads a message Outlook saved: subject, body, sender, recipient and submit time', async () => {
    const bytes = readFileSync(path.join(__dirname, 'samples/outlook-sent.msg'));
    assert.equal(sniffEvidenceKind(bytes), 'msg');
    const text = await extractText('msg', bytes);
    assert.equal(text.status, 'read', JSON.stringify(text));
    if (text.status !== 'read') return;
    assert.match(text.text, /^From: xmailuser <xmailuser@xmailserver\.test>$/m);
    assert.match(text.text, /^To: .*xmailuser@xmailserver\.test/m);
    assert.match(text.text, /^Date: Mon, 15 Feb 2021 08:19:04 GMT$/m);
    assert.match(text.text, /^Subject: Sent time$/m);
    assert.match(text.text, /^Test mail/m);
    const check = checkPoeText(text.text, claim, context);
    const dates = check.status === 'checked' ? check.findings.find((f) => f.reason === 'dates') : undefined;
    // The submit time is the message's date: found, and too old for a claim in 2026.
    assert.deepEqual([dates?.latestDay, dates?.found, dates?.detail], ['2021-02-15', false, 'tooOld']);
  });

  it('finds everything a reviewer asks for in a customer approval, each piece in its own property', async () => {
    const bytes = outlookMessage({
      subject: 'Re: Dynamics 365 Sales and Power BI go-live',
      body: 'Fabrikam Consulting completed the deployment and user training.\r\n\r\nApproved.\r\nChris Customer\r\nCIO\r\n',
      senderName: 'Chris Customer',
      senderEmail: 'chris@contoso.com',
      sentAt: new Date('2026-11-15T09:30:00Z'),
      recipients: [{ name: 'Pat Partner', email: 'pat@fabrikam.com' }],
    });
    assert.equal(sniffEvidenceKind(bytes), 'msg');
    const text = await extractText('msg', bytes);
    assert.equal(text.status, 'read', JSON.stringify(text));
    if (text.status !== 'read') return;
    assert.match(text.text, /^From: Chris Customer <chris@contoso\.com>$/m);
    assert.match(text.text, /^To: Pat Partner <pat@fabrikam\.com>$/m);
    const check = checkPoeText(text.text, claim, context);
    assert.equal(check.status, 'checked');
    if (check.status !== 'checked') return;
    assert.deepEqual(
      Object.fromEntries(check.findings.map((f) => [f.reason, f.found])),
      { customerAcknowledgement: true, dates: true, partnerSolution: true, products: true },
      `${JSON.stringify(check.findings, null, 1)}\n${text.text}`,
    );
    const found = (reason: string) => check.findings.find((f) => f.reason === reason);
    assert.equal(found('dates')?.latestDay, '2026-11-15', 'the date, from the submit time');
    assert.match(found('products')?.evidence ?? '', /^Subject: /, 'the products, from the subject');
    assert.match(found('customerAcknowledgement')?.evidence ?? '', /Approved/, 'the approval, from the body');
  });
});
