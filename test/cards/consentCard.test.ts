import assert from 'node:assert/strict';
import {
  CONSENT_STEPS,
  CONSENT_VERBS,
  formatConsentDeadline,
  isConsentVerb,
  renderConsentCard,
  type ConsentCardModel,
} from '../../cards/consentCard';
import { objectsOfType, parseFindings } from './cardChecks';

const model: ConsentCardModel = {
  claimId: 'claim-1',
  token: 'v1.payload.signature',
  partnerName: 'Fabrikam <b>Consulting</b>',
  customerDomain: 'contoso.com',
  productIds: ['exchangeOnline', 'microsoftTeams'],
  closesAt: '2026-03-09T17:00:00.000Z',
  timeZone: 'America/Los_Angeles',
};

const runs = (content: unknown) => [...objectsOfType(content, 'TextRun')].map((run) => String(run.text));

describe('customer consent card', () => {
  it('offers Approve and Opt out as Action.Execute with their verbs, the claim id and the token', () => {
    const card = renderConsentCard(model, 'en-US');
    const actions = [...objectsOfType(card.content, 'Action.Execute')];
    assert.deepEqual(
      actions.map((a) => [a.title, a.verb, a.data]),
      [
        ['Approve', 'customerApprove', { claimId: 'claim-1', token: 'v1.payload.signature' }],
        ['Opt out', 'customerOptOut', { claimId: 'claim-1', token: 'v1.payload.signature' }],
      ],
    );
    assert.deepEqual([...objectsOfType(card.content, 'Action.Submit')], []);
    assert.deepEqual(parseFindings(card.content), []);
  });

  it('names the partner as given, the products by name and the window close with its zone', () => {
    const text = runs(renderConsentCard(model, 'en-US').content);
    assert.ok(
      text.includes(
        'Fabrikam <b>Consulting</b> has asked Microsoft to record it as the partner that helped your organisation with these products:',
      ),
    );
    assert.ok(text.includes('• Exchange Online') && text.includes('• Microsoft Teams'));
    assert.ok(text.includes('Your organisation: contoso.com'));
    assert.ok(
      text.includes('If you do nothing, the association becomes official on March 9, 2026 at 10:00 AM PDT.'),
      text.join('\n'),
    );
  });

  it('speaks Korean and Japanese, dates included', () => {
    assert.match(
      JSON.stringify(renderConsentCard(model, 'ko-KR').content),
      /2026년 3월 9일 .*10:00.*고객 연결이 공식적으로 적용됩니다/,
    );
    const ja = renderConsentCard(model, 'ja-JP').content;
    assert.match(JSON.stringify(ja), /何も操作されない場合、2026年3月9日.*10:00.*に関連付けが正式なものになります/);
    assert.deepEqual(
      [...objectsOfType(ja, 'Action.Execute')].map((a) => a.title),
      ['承認', 'オプトアウト'],
    );
  });

  it('once answered shows the outcome and no buttons, and no closing date', () => {
    for (const [outcome, expected] of [
      ['approve', 'You approved this association. It is now official.'],
      ['optOut', "You opted out of this association. The partner's claim was rejected."],
    ] as const) {
      const card = renderConsentCard({ ...model, outcome }, 'en-US');
      assert.deepEqual([...objectsOfType(card.content, 'Action.Execute')], [], outcome);
      assert.ok(
        [...objectsOfType(card.content, 'TextBlock')].some((b) => b.text === expected),
        outcome,
      );
      assert.ok(!JSON.stringify(card.content).includes('becomes official on'), outcome);
      assert.deepEqual(parseFindings(card.content), [], outcome);
    }
  });

  it('maps its verbs to steps: Opt out only asks, its confirmation records the opt-out; knows no others', () => {
    assert.deepEqual(
      CONSENT_VERBS.map((verb) => [verb, CONSENT_STEPS[verb]]),
      [
        ['customerApprove', { kind: 'answer', decision: 'approve' }],
        ['customerOptOut', { kind: 'confirmOptOut' }],
        ['customerOptOutConfirm', { kind: 'answer', decision: 'optOut' }],
        ['customerConsentBack', { kind: 'back' }],
      ],
    );
    assert.ok(isConsentVerb('customerOptOut'));
    for (const other of ['approve', 'submitClaim', '', undefined, 1]) assert.ok(!isConsentVerb(other), String(other));
  });

  it('the opt-out confirmation: what it means, the reason input with its limit, Confirm opt-out and Back, no Approve', () => {
    const card = renderConsentCard({ ...model, confirmingOptOut: {} }, 'en-US');
    assert.deepEqual(
      [...objectsOfType(card.content, 'Action.Execute')].map((a) => [a.title, a.verb, a.data]),
      [
        ['Confirm opt-out', 'customerOptOutConfirm', { claimId: 'claim-1', token: 'v1.payload.signature' }],
        ['Back', 'customerConsentBack', { claimId: 'claim-1', token: 'v1.payload.signature' }],
      ],
    );
    const [input, ...others] = [...objectsOfType(card.content, 'Input.Text')];
    assert.deepEqual(others, []);
    assert.deepEqual(
      [input?.id, input?.maxLength, input?.isMultiline, input?.label],
      ['reason', 500, true, 'Reason (optional)'],
    );
    const text = runs(card.content);
    assert.ok(text.some((run) => run.startsWith("If you opt out, Fabrikam <b>Consulting</b> won't be recorded")));
    assert.ok(!JSON.stringify(card.content).includes('becomes official on'));
    assert.deepEqual(parseFindings(card.content), []);
  });

  it('brings a refused reason back as typed, as data, with the problem in a tinted container', () => {
    const typed = '${labels.approve} {{x}} <b>no</b>';
    const card = renderConsentCard({ ...model, confirmingOptOut: { reason: typed, problem: 'Too long.' } }, 'ko-KR');
    assert.equal([...objectsOfType(card.content, 'Input.Text')][0]?.value, typed);
    const tinted = [...objectsOfType(card.content, 'Container')].find((c) => c.style === 'attention');
    assert.ok(tinted && JSON.stringify(tinted).includes('Too long.'));
    assert.deepEqual(
      [...objectsOfType(card.content, 'Action.Execute')].map((a) => a.title),
      ['옵트아웃 확인', '돌아가기'],
    );
  });

  it('shows the closing time in UTC when the zone is not one Intl knows', () => {
    assert.equal(
      formatConsentDeadline('en-US', '2026-03-09T17:00:00.000Z', 'Mars/Olympus'),
      'March 9, 2026 at 5:00 PM UTC',
    );
  });
});
