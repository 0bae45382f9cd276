import assert from 'node:assert/strict';
import { parseCsv } from '../../../claims/csv';
import type { Claim } from '../../../claims/model';
import { LOCALES, statusLabel, t, type Locale } from '../../../locales/i18n';
import { messageList } from '../../../locales/translator';
import { EXPORT_LINK_SECONDS } from '../../../dialogs/manage/claimsListing';
import { OTHER_ORG, ORG, callerFor } from '../../support/botHarness';
import { minutesAfterBase } from '../../support/claimFactory';
import { cardOf, textsOf, type Reply } from '../newClaim/newClaimHarness';
import { ManageChat, adminChat, cardWith, manageWorld, storeClaim, type ManageWorld } from './manageHarness';

/** The download link of the export notice among the replies. */
function exportLink(replies: readonly Reply[]): URL {
  const links: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'Action.OpenUrl' && typeof record.url === 'string') links.push(record.url);
      Object.values(record).forEach(walk);
    }
  };
  replies.forEach((reply) => walk(cardOf(reply)));
  assert.equal(links.length, 1, 'one download link');
  return new URL(links[0] as string);
}

async function download(url: URL): Promise<{ bytes: Buffer; rows: string[][]; response: Response }> {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  const bytes = Buffer.from(await response.arrayBuffer());
  return { bytes, rows: parseCsv(bytes.toString('utf8')).map((r) => r.cells), response };
}

describe('CSV export of the claims list', () => {
  let world: ManageWorld;
  let own: Claim[];

  before(async () => {
    world = await manageWorld();
    own = [
      await storeClaim(world, {
        name: '=HYPERLINK("https://evil.example","Click")',
        status: 'rejected',
        rejection: { reason: 'insufficientPoe', at: minutesAfterBase(5) },
        updatedAt: minutesAfterBase(3),
      }),
      await storeClaim(world, {
        name: 'Fabrikam, "phase 2"\nrollout',
        customerDomain: '@fabrikam.com',
        status: 'submitted',
        updatedAt: minutesAfterBase(2),
      }),
      await storeClaim(world, { name: '+plus -minus', status: 'associated', updatedAt: minutesAfterBase(1) }),
    ];
    for (let i = 0; i < 110; i += 1)
      own.push(await storeClaim(world, { name: `Bulk ${i}`, status: 'underReview', updatedAt: minutesAfterBase(-i) }));
    await storeClaim(world, { partnerId: OTHER_ORG.id, name: 'Secret rival claim' });
  });

  for (const locale of LOCALES) {
    it(`"${messageList(locale, 'commands.export')[0]}" (${locale}): every claim of the organisation only, over every page, behind a short-lived link`, async () => {
      const replies = await adminChat(world, locale).send(messageList(locale, 'commands.export')[0] ?? '');
      const strings = JSON.stringify(cardOf(replies.at(-1)));
      assert.ok(strings.includes(t(locale, 'claimsList.exportReady', { minutes: 15 })));
      const { bytes, rows, response } = await download(exportLink(replies));
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a byte-order mark');
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(
        response.headers.get('content-disposition') ?? '',
        /^attachment; filename="claims-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      assert.equal(rows[0]?.[0], t(locale as Locale, 'csv.id'), 'localized headers');
      assert.deepEqual(
        rows
          .slice(1)
          .map((r) => r[0])
          .sort(),
        own.map((c) => c.id).sort(),
        'all 113, none of the other organisation',
      );
      assert.ok(!bytes.toString('utf8').includes('Secret rival'));
    });
  }

  it('writes cells a spreadsheet would run as plain text, and quotes what needs quoting', async () => {
    const { rows } = await download(exportLink(await adminChat(world).send('export')));
    const byId = new Map(rows.map((r) => [r[0], r]));
    assert.equal(byId.get(own[0]?.id)?.[1], `'${own[0]?.name}`);
    assert.equal(byId.get(own[1]?.id)?.[1], own[1]?.name, 'comma, quotes and line break survive');
    assert.equal(byId.get(own[1]?.id)?.[5], "'@fabrikam.com");
    assert.equal(byId.get(own[2]?.id)?.[1], "'+plus -minus");
    assert.equal(byId.get(own[0]?.id)?.[2], statusLabel('en-US', 'rejected'));
    for (const row of rows) for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
  });

  it('exports what the list shows: the filter goes with the Export button', async () => {
    const chat = adminChat(world);
    await chat.send('my claims');
    const filtered = cardWith(
      await chat.click('filterClaims', { filterStatus: 'rejected,associated' }),
      'exportClaims',
    );
    const { rows } = await download(exportLink(await chat.click('exportClaims', {}, filtered)));
    assert.deepEqual(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
      [own[0]?.id, own[2]?.id].sort(),
    );
  });

  it('says so when there is nothing to export', async () => {
    const replies = await new ManageChat(
      world,
      callerFor({ ...OTHER_ORG, incentivesAdmins: [], viewers: ['aad-nobody'] }, 'aad-nobody', 'ja-JP'),
    ).press({ verb: 'exportClaims', filterStatus: 'associated' });
    assert.deepEqual(textsOf(replies), [t('ja-JP', 'claimsList.exportEmpty')]);
  });

  it('is open to every user of the organisation, not only incentives admins', async () => {
    const { rows } = await download(
      exportLink(await new ManageChat(world, callerFor(ORG, 'aad-viewer')).send('export')),
    );
    assert.equal(rows.length, own.length + 1);
  });
});

describe('the export link', () => {
  it('works for 15 minutes from the moment it is made, then is refused', async () => {
    const madeAt = new Date(Date.now() - (EXPORT_LINK_SECONDS + 60) * 1000);
    const world = await manageWorld({ clock: { now: () => madeAt } });
    await storeClaim(world, { name: 'Old export' });
    const link = exportLink(await adminChat(world).send('export'));
    assert.equal(
      Date.parse(link.searchParams.get('se') ?? ''),
      Math.floor(madeAt.getTime() / 1000) * 1000 + EXPORT_LINK_SECONDS * 1000,
    );
    assert.equal((await fetch(link)).status, 403, 'expired a minute ago');
  });
});
