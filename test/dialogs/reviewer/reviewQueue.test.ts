import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Claim } from '../../../claims/model';
import { LOCALES, t } from '../../../locales/i18n';
import { messageList } from '../../../locales/translator';
import { OTHER_ORG, ORG } from '../../support/botHarness';
import {
  ADMIN,
  actionData,
  MONDAY,
  OPERATOR,
  OTHER_ADMIN,
  REVIEWER,
  reviewWorld,
  shownText,
  verbsOf,
  type ReviewWorld,
} from '../../support/reviewHarness';

const DAY = 86_400_000;
const cardOf = (reply: Partial<Activity> | undefined): Record<string, unknown> =>
  (reply?.attachments?.[0]?.content as Record<string, unknown> | undefined) ??
  assert.fail(`expected a card, got ${JSON.stringify(reply?.text)}`);
const openIds = (card: Record<string, unknown>): string[] => {
  const ids: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.verb === 'reviewOpen') ids.push(String((record.data as Record<string, unknown>).claimId));
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return ids;
};

describe('review queue (reviewers in Teams)', () => {
  let w: ReviewWorld;
  const queued: Claim[] = [];

  before(async () => {
    w = await reviewWorld();
    // Twelve waiting claims of two partners, stored in an order that is not the queue's.
    const minutes = [50, 5, 110, 20, 80, 35, 95, 65, 10, 100, 45, 25];
    for (const [i, minute] of minutes.entries()) {
      const status = (['submitted', 'underReview', 'dispute'] as const)[i % 3];
      queued.push(
        await w.seed({
          partnerId: i % 2 ? OTHER_ORG.id : ORG.id,
          status,
          name: `Claim ${minute}`,
          submittedAt: new Date(MONDAY.getTime() - DAY * 7 + minute * 60_000).toISOString(),
        }),
      );
    }
    for (const status of ['draft', 'partnerActionRequired', 'approvedCustomerNotified', 'rejected'] as const)
      await w.seed({ status, name: `Not waiting (${status})` });
    queued.sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''));
  });

  for (const locale of LOCALES) {
    const word = messageList(locale, 'commands.reviewQueue')[0] ?? '';
    it(`"${word}" typed by a reviewer shows the queue in ${locale}`, async () => {
      const [reply] = await w.send(REVIEWER, { text: word }, locale);
      const text = shownText(cardOf(reply));
      assert.ok(text.includes(t(locale, 'reviewer.queueTitle')));
      assert.equal(openIds(cardOf(reply)).length, 10);
    });
  }

  it('refuses the typed command to partner users with a clear message, in their language', async () => {
    for (const [user, locale] of [
      [ADMIN, 'ko-KR'],
      [OTHER_ADMIN, 'ja-JP'],
    ] as const) {
      const [reply] = await w.send(user, { text: 'review queue' }, locale);
      assert.equal(reply?.text, t(locale, 'access.notReviewer'));
      assert.equal(reply?.attachments, undefined);
    }
  });

  it('lists only waiting claims of every partner, oldest submission first, ten a page, with Next and First page', async () => {
    const [reply] = await w.send(REVIEWER, { text: 'review queue' });
    const first = cardOf(reply);
    assert.deepEqual(
      openIds(first),
      queued.slice(0, 10).map((c) => c.id),
    );
    const next = actionData(first, 'reviewQueue');
    assert.equal(verbsOf(first).filter((v) => v === 'reviewQueue').length, 1, 'page 1 offers only Next');
    assert.ok(typeof next.continuationToken === 'string' && next.continuationToken !== '' && next.page === 2);
    const second = await w.invoke(REVIEWER, 'reviewQueue', next);
    assert.equal(second.status, 200);
    assert.deepEqual(
      openIds(second.card),
      queued.slice(10).map((c) => c.id),
    );
    assert.ok(second.text.includes(t('en-US', 'claimsList.page', { page: 2 })));
    const paging = verbsOf(second.card).filter((v) => v === 'reviewQueue');
    assert.equal(paging.length, 1, 'the last page offers only the first page');
    const again = await w.invoke(REVIEWER, 'reviewQueue', actionData(second.card, 'reviewQueue'));
    assert.deepEqual(openIds(again.card), openIds(first));
  });

  it('starts over at page 1 when the continuation token is forged or from another list', async () => {
    const answer = await w.invoke(REVIEWER, 'reviewQueue', { continuationToken: 'eyJmIjoieCIsImMiOiJ5In0', page: 7 });
    assert.deepEqual(
      openIds(answer.card),
      queued.slice(0, 10).map((c) => c.id),
    );
    assert.ok(answer.text.includes(t('en-US', 'claimsList.page', { page: 1 })));
  });

  it("shows each row's partner name, customer, products, status and business days waiting", async () => {
    const [reply] = await w.send(REVIEWER, { text: 'review queue' });
    const text = shownText(cardOf(reply));
    for (const line of [
      'Partner: Contoso Partners',
      'Partner: Fabrikam Solutions',
      'Customer: contoso.onmicrosoft.com',
      'Products: Exchange Online',
      'Status: Submitted',
      'Status: Under review',
      'Status: Dispute',
      'Waiting for 5 business days', // submitted the Monday before: Tuesday to Monday
    ]) {
      assert.ok(text.includes(line), line);
    }
  });

  it('refuses the queue to a forged invoke from a partner, and to a reviewer removed from the directory since', async () => {
    const forged = await w.invoke(ADMIN, 'reviewQueue', { continuationToken: '', page: 1 });
    assert.deepEqual(forged.text, [t('en-US', 'access.notReviewer')]);
    assert.deepEqual(openIds(forged.card), []);

    // The bot's caller cache still says "reviewer" (its clock has not moved); the directory no longer does.
    await w.send(REVIEWER, { text: 'review queue' });
    await w.h.partners.upsert({ ...OPERATOR, reviewers: [] });
    try {
      const removed = await w.invoke(REVIEWER, 'reviewQueue', { continuationToken: '', page: 1 });
      assert.deepEqual(removed.text, [t('en-US', 'access.notReviewer')]);
    } finally {
      await w.h.partners.upsert(OPERATOR);
    }
  });

  it('lists the review queue on the help card for reviewers only', async () => {
    const [forReviewer] = await w.send(REVIEWER, { text: 'help' });
    const [forAdmin] = await w.send(ADMIN, { text: 'help' });
    assert.ok(shownText(cardOf(forReviewer)).includes(t('en-US', 'help.reviewQueue')));
    assert.ok(!shownText(cardOf(forAdmin)).includes(t('en-US', 'help.reviewQueue')));
  });
});

describe('review queue conflict flags', () => {
  let w: ReviewWorld;
  before(async () => {
    w = await reviewWorld();
  });

  const rowText = async (claim: Claim): Promise<string[]> => {
    const [reply] = await w.send(REVIEWER, { text: 'review queue' });
    const rows = (cardOf(reply).body as Record<string, unknown>[]).filter((node) =>
      JSON.stringify(node).includes(claim.id),
    );
    assert.equal(rows.length, 1, 'the claim is in the queue');
    return shownText(rows[0]);
  };

  it('flags a key another partner holds, naming that partner to the reviewer', async () => {
    const tenant = randomUUID();
    const holder = await w.seed({
      partnerId: OTHER_ORG.id,
      customerTenantId: tenant,
      status: 'associated',
      productIds: ['exchangeOnline'],
    });
    await w.h.botServices.associations.acquire(OTHER_ORG.id, holder.id, [`m365|${tenant}|exchangeOnline`]);
    const mine = await w.seed({ customerTenantId: tenant, productIds: ['exchangeOnline', 'microsoftTeams'] });
    assert.deepEqual(
      (await rowText(mine)).filter((line) => line.startsWith('Conflict')),
      ['Conflict: Exchange Online is already associated with Fabrikam Solutions.'],
    );
  });

  it('flags a key another open claim wants, on both claims, and nothing on a claim without competitors', async () => {
    const tenant = randomUUID();
    const theirs = await w.seed({
      partnerId: OTHER_ORG.id,
      customerTenantId: tenant,
      productIds: ['microsoftTeams'],
      status: 'underReview',
    });
    const mine = await w.seed({ customerTenantId: tenant, productIds: ['microsoftTeams', 'intune'] });
    const alone = await w.seed({ productIds: ['microsoftTeams'] });
    assert.deepEqual(
      (await rowText(mine)).filter((line) => line.startsWith('Conflict')),
      ['Conflict: Fabrikam Solutions also claims Microsoft Teams in a claim waiting for a decision.'],
    );
    assert.deepEqual(
      (await rowText(theirs)).filter((line) => line.startsWith('Conflict')),
      ['Conflict: Contoso Partners also claims Microsoft Teams in a claim waiting for a decision.'],
    );
    assert.deepEqual(
      (await rowText(alone)).filter((line) => line.startsWith('Conflict')),
      [],
    );
  });
});
