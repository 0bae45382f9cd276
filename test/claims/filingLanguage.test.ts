import assert from 'node:assert/strict';
import { addComment, createDraft, type DraftInput } from '../../claims/claimEdits';
import type { Claim } from '../../claims/model';
import { applyEvent } from '../../claims/statusMachine';
import { OPT_OUT_REASON_MAX } from '../../claims/validation';
import { T0, admin, customer, org, validClaim } from './fixtures';

const input: DraftInput = {
  partnerId: org.id,
  name: 'Contoso CRM',
  mpnId: '1234567',
  customerDomain: 'contoso.com',
  customerTenantId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  solutionArea: 'businessApplications',
  activity: 'usageOrPresales',
};
const korean = { ...admin, locale: 'ko-KR' };

function value(result: ReturnType<typeof applyEvent>): Claim {
  if (!result.ok) assert.fail(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

describe('the language a claim is filed in', () => {
  it("is the creator's, kept on the claim, while createdBy, the history and comments record only who", () => {
    const draft = value(createDraft(input, korean, T0, org));
    assert.equal(draft.filedLocale, 'ko-KR');
    assert.deepEqual(draft.createdBy, admin);
    assert.deepEqual(draft.history[0]?.actor, admin);
    const commented = value(addComment(draft, 'hello', korean, T0));
    assert.deepEqual(commented.comments[0]?.author, admin);
  });

  it("is what the partner submits in, and stays as it was when the submitter's is unknown or malformed", () => {
    const draft = validClaim({ status: 'draft', submittedAt: undefined, filedLocale: 'en-US' });
    const submitted = value(
      applyEvent(draft, { type: 'submit', organisation: org }, { ...admin, locale: 'ja-JP' }, T0),
    );
    assert.equal(submitted.filedLocale, 'ja-JP');
    assert.equal(submitted.history.at(-1)?.actor.locale, undefined);
    for (const locale of [undefined, '', 'ja-JP"><x', 'x'.repeat(40)]) {
      const kept = value(applyEvent(draft, { type: 'submit', organisation: org }, { ...admin, locale }, T0));
      assert.equal(kept.filedLocale, 'en-US', String(locale));
    }
  });

  it('is absent on a claim whose filer had none (older claims, other channels)', () => {
    assert.equal(value(createDraft(input, admin, T0, org)).filedLocale, undefined);
  });
});

describe("the customer's opt-out reason", () => {
  const awaiting = validClaim({
    status: 'approvedCustomerNotified',
    windowClosesAt: new Date(T0.getTime() + 86_400_000).toISOString(),
  });

  it('is kept on the opt-out history entry, trimmed', () => {
    const optedOut = value(applyEvent(awaiting, { type: 'customerOptOut', note: '  not our partner ' }, customer, T0));
    assert.equal(optedOut.history.at(-1)?.note, 'not our partner');
  });

  it(`is at most ${OPT_OUT_REASON_MAX} characters (counted as people see them), refused past it`, () => {
    const atLimit = '가'.repeat(OPT_OUT_REASON_MAX - 1) + '😀';
    assert.ok(applyEvent(awaiting, { type: 'customerOptOut', note: atLimit }, customer, T0).ok);
    const over = applyEvent(awaiting, { type: 'customerOptOut', note: `${atLimit}x` }, customer, T0);
    assert.ok(!over.ok);
    assert.deepEqual(over.error, [
      { code: 'tooLong', field: 'note', params: { max: OPT_OUT_REASON_MAX, length: OPT_OUT_REASON_MAX + 1 } },
    ]);
  });
});
