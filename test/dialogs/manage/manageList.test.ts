import assert from 'node:assert/strict';
import type { Claim, ClaimStatus } from '../../../claims/model';
import { t } from '../../../locales/i18n';
import { OTHER_ORG, ORG, callerFor } from '../../support/botHarness';
import { minutesAfterBase } from '../../support/claimFactory';
import { parseFindings, walk } from '../../cards/cardChecks';
import { cardOf, cardStrings, inputOf, submitActions, type Card } from '../newClaim/newClaimHarness';
import {
  ADMIN,
  ManageChat,
  VIEWER,
  adminChat,
  cardWith,
  manageWorld,
  rowIds,
  storeClaim,
  verbsOf,
  type ManageWorld,
} from './manageHarness';

const STATUSES: ClaimStatus[] = ['submitted', 'underReview', 'rejected', 'associated', 'approvedCustomerNotified'];
const TENANT = (i: number): string => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;

/** Presses Next until there is none; the claim ids of every page, in order. */
async function allPages(chat: ManageChat, first: Card): Promise<string[][]> {
  const pages = [rowIds(first)];
  for (
    let card = first;
    verbsOf(card).includes('claimsPage') &&
    submitActions(card).some((a) => a.data.verb === 'claimsPage' && a.data.continuationToken !== '');
  ) {
    const next = submitActions(card).find((a) => a.data.verb === 'claimsPage' && a.data.continuationToken !== '');
    card = cardWith(await chat.press(next?.data ?? {}), 'viewClaim');
    pages.push(rowIds(card));
  }
  return pages;
}

describe('my claims: filters and paging', () => {
  let world: ManageWorld;
  let claims: Claim[];

  before(async () => {
    world = await manageWorld();
    claims = [];
    for (let i = 0; i < 25; i += 1) {
      claims.push(
        await storeClaim(world, {
          name: `Claim ${i}`,
          status: STATUSES[i % STATUSES.length],
          solutionArea: i % 3 === 0 ? 'businessApplications' : 'microsoft365',
          customerDomain: i % 4 === 0 ? `Contoso${i}.com` : `fabrikam${i}.com`,
          customerTenantId: TENANT(i),
          updatedAt: minutesAfterBase(i),
        }),
      );
    }
    await storeClaim(world, {
      partnerId: OTHER_ORG.id,
      name: 'Rival',
      customerDomain: 'contoso-rival.com',
      updatedAt: minutesAfterBase(100),
    });
  });

  const newestFirst = (list: Claim[]): string[] =>
    [...list].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).map((c) => c.id);

  it('pages through 25 claims newest first, each seen exactly once, and back to the first page', async () => {
    const chat = adminChat(world);
    const first = cardWith(await chat.send('my claims'), 'viewClaim');
    const pages = await allPages(chat, first);
    assert.deepEqual(
      pages.map((p) => p.length),
      [10, 10, 5],
    );
    assert.deepEqual(pages.flat(), newestFirst(claims), 'every claim once, newest first, none of another organisation');
    const last = chat.lastCard();
    assert.ok(cardStrings(last).includes(t('en-US', 'claimsList.page', { page: 3 })));
    const back = cardWith(await chat.click('claimsPage', {}, last), 'viewClaim');
    assert.deepEqual(rowIds(back), pages[0]);
  });

  it('filters by status from the card, and keeps the filter on every page', async () => {
    const chat = adminChat(world, 'en-US', { pageSize: 3 });
    await chat.send('my claims');
    const filtered = cardWith(await chat.click('filterClaims', { filterStatus: 'rejected,associated' }), 'viewClaim');
    const expected = newestFirst(claims.filter((c) => c.status === 'rejected' || c.status === 'associated'));
    assert.deepEqual((await allPages(chat, filtered)).flat(), expected);
    assert.ok(
      cardStrings(filtered).some((s) => s.includes(t('en-US', 'statuses.rejected')) && s.startsWith('Filtered by')),
      'says what is filtered',
    );
    assert.equal(
      inputOf(filtered, 'filterStatus')?.value,
      'rejected,associated',
      'the inputs show the filter in force',
    );
  });

  it('filters by solution area and by the start of the customer domain or tenant id, case-insensitively', async () => {
    const chat = adminChat(world, 'ko-KR', { pageSize: 50 });
    await chat.send('my claims');
    const byArea = cardWith(await chat.click('filterClaims', { filterArea: 'businessApplications' }), 'viewClaim');
    assert.deepEqual(rowIds(byArea), newestFirst(claims.filter((c) => c.solutionArea === 'businessApplications')));
    const byDomain = cardWith(await chat.click('filterClaims', { filterCustomer: '  CONTOSO1 ' }), 'viewClaim');
    assert.deepEqual(
      rowIds(byDomain),
      newestFirst(claims.filter((c) => /^contoso1/i.test(c.customerDomain))),
      'Contoso12, Contoso16; not the other organisation',
    );
    const byTenant = cardWith(
      await chat.click('filterClaims', { filterCustomer: '0000002', filterArea: 'microsoft365' }),
      'viewClaim',
    );
    assert.deepEqual(
      rowIds(byTenant),
      newestFirst(claims.filter((c) => c.customerTenantId.startsWith('0000002') && c.solutionArea === 'microsoft365')),
    );
  });

  it('says when nothing matches, and clears the filter', async () => {
    const chat = adminChat(world);
    await chat.send('my claims');
    const none = await chat.click('filterClaims', { filterCustomer: 'northwind' });
    const card = cardOf(none[none.length - 1]);
    assert.ok(cardStrings(card).includes(t('en-US', 'manage.filterNoMatch')));
    assert.ok(!cardStrings(card).includes(t('en-US', 'claimsList.empty')));
    const cleared = cardWith(await chat.click('myClaims', {}, card as Card), 'viewClaim');
    assert.equal(rowIds(cleared).length, 10);
    assert.ok(!verbsOf(cleared).includes('myClaims'), 'no Clear button without a filter');
  });

  it('says no "Page 1" when every claim fits on one page (all three locales)', async () => {
    for (const locale of ['en-US', 'ko-KR', 'ja-JP'] as const) {
      const card = cardWith(await adminChat(world, locale, { pageSize: 50 }).send('my claims'), 'viewClaim');
      assert.equal(rowIds(card).length, claims.length);
      assert.ok(!cardStrings(card).includes(t(locale, 'claimsList.page', { page: 1 })), locale);
    }
  });

  it('starts over on the first page of the same filter when a token does not belong to it', async () => {
    const chat = adminChat(world, 'en-US', { pageSize: 4 });
    const unfiltered = cardWith(await chat.send('my claims'), 'viewClaim');
    const next = submitActions(unfiltered).find((a) => a.data.verb === 'claimsPage');
    const replayed = cardWith(await chat.press({ ...next?.data, filterStatus: 'rejected' }), 'viewClaim');
    assert.deepEqual(rowIds(replayed), newestFirst(claims.filter((c) => c.status === 'rejected')).slice(0, 4));
    assert.ok(cardStrings(replayed).includes(t('en-US', 'claimsList.page', { page: 1 })));
  });

  it('takes a filter as plain data: unknown values dropped, typed text shown only as text', async () => {
    const chat = adminChat(world);
    const hostile = '${$root.labels.title} [x](https://evil.example)';
    const replies = await chat.press({
      verb: 'filterClaims',
      filterStatus: 'rejected,everything,draft; DROP',
      filterArea: 'osa',
      filterCustomer: hostile,
      createdBy: ADMIN,
    });
    const card = cardOf(replies.at(-1));
    assert.equal(inputOf(card, 'filterStatus')?.value, 'rejected');
    assert.equal(inputOf(card, 'filterArea')?.value, '');
    assert.equal(inputOf(card, 'filterCustomer')?.value, hostile);
    assert.ok(
      cardStrings(card).some((s) => s.includes(hostile)),
      'shown back as typed',
    );
    assert.ok(cardStrings(card).includes(t('en-US', 'manage.filterNoMatch')));
    for (const visit of walk(card)) {
      if (typeof visit.value !== 'string' || !visit.value.includes(hostile)) continue;
      const plain =
        (visit.owner === 'TextRun' && visit.key === 'text') ||
        (visit.owner === 'Input.Text' && visit.key === 'value') ||
        (visit.owner === 'Action.Submit' && visit.key === 'filterCustomer');
      assert.ok(plain, `only as plain text or data, not in ${visit.owner}.${visit.key}`);
    }
    assert.deepEqual(parseFindings(card ?? {}), [], 'a valid card');
  });

  it('opens the status card from every row, for viewers too', async () => {
    const chat = new ManageChat(world, callerFor(ORG, VIEWER));
    const list = cardWith(await chat.send('my claims'), 'viewClaim');
    const open = submitActions(list).find((a) => a.data.verb === 'viewClaim');
    const status = cardWith(await chat.press(open?.data ?? {}), 'viewHistory');
    assert.ok(cardStrings(status).includes(t('en-US', 'status.title')));
    assert.ok(verbsOf(list).includes('exportClaims'), 'viewers may export what they may see');
  });
});

describe('my claims: Microsoft 365 customers to re-associate', () => {
  let world: ManageWorld;
  const contoso = 'aaaaaaaa-0000-4000-8000-000000000001';
  const northwind = 'aaaaaaaa-0000-4000-8000-000000000002';

  before(async () => {
    world = await manageWorld();
    await storeClaim(world, { name: 'Something' });
    await world.notices.record(ORG.id, [
      { customerTenantId: contoso, customerDomain: 'contoso.com', productIds: ['exchangeOnline', 'microsoftTeams'] },
      { customerTenantId: northwind, productIds: ['intune'] },
    ]);
  });

  const noticeOf = (replies: Awaited<ReturnType<ManageChat['send']>>): string[] | undefined => {
    const card = replies.map(cardOf).find((c) => cardStrings(c).includes(t('en-US', 'legacy.noticeTitle')));
    return card ? cardStrings(card) : undefined;
  };

  it('lists them above the first page with their workloads, and offers admins a new claim', async () => {
    const chat = adminChat(world);
    const replies = await chat.send('my claims');
    const notice = noticeOf(replies);
    assert.ok(notice, 'the notice comes with the list');
    assert.ok(
      notice.includes(
        t('en-US', 'legacy.customerLine', { customer: 'contoso.com', products: 'Exchange Online and Microsoft Teams' }),
      ),
    );
    assert.ok(
      notice.includes(t('en-US', 'legacy.customerLine', { customer: northwind, products: 'Microsoft Intune' })),
      'by tenant id when no domain is known',
    );
    assert.ok(replies.some((r) => verbsOf(cardOf(r)).includes('newClaim')));
    assert.ok(rowIds(cardOf(replies.at(-1))).length > 0, 'then the list');
  });

  it('shows viewers the notice without the new-claim button, and other organisations nothing', async () => {
    const viewer = await new ManageChat(world, callerFor(ORG, VIEWER)).send('my claims');
    assert.ok(noticeOf(viewer));
    assert.ok(!viewer.some((r) => verbsOf(cardOf(r)).includes('newClaim')));
    const other = await new ManageChat(world, callerFor(OTHER_ORG, 'aad-other-admin')).send('my claims');
    assert.equal(noticeOf(other), undefined);
  });

  it('drops a workload once a CPOR claim of the partner holds it, and the customer once all are', async () => {
    await world.services.associations.acquire(ORG.id, 'reassociated', [`m365|${contoso}|exchangeOnline`]);
    let notice = noticeOf(await adminChat(world).send('my claims'));
    assert.ok(
      notice?.includes(t('en-US', 'legacy.customerLine', { customer: 'contoso.com', products: 'Microsoft Teams' })),
    );
    await world.services.associations.acquire(ORG.id, 'reassociated', [`m365|${contoso}|microsoftTeams`]);
    await world.services.associations.acquire(ORG.id, 'reassociated-2', [`m365|${northwind}|intune`]);
    notice = noticeOf(await adminChat(world).send('my claims'));
    assert.equal(notice, undefined);
  });
});
