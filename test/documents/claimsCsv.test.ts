import assert from 'node:assert/strict';
import { parseCsv } from '../../claims/csv';
import { claimsCsv, claimsCsvRows, spreadsheetDateTime } from '../../documents/claimsCsv';
import { statusLabel, t } from '../../locales/i18n';
import { buildClaim } from '../support/claimFactory';

describe('claims CSV', () => {
  const rejected = buildClaim({
    name: '=HYPERLINK("https://evil.example","Open me")',
    customerDomain: 'contoso.com',
    status: 'rejected',
    rejection: { reason: 'insufficientPoe', at: '2026-03-02T17:00:00.000Z' },
    productIds: ['exchangeOnline', 'microsoftTeams'],
    createdAt: '2026-03-02T17:00:00.000Z',
    updatedAt: '2026-03-02T17:30:00.000Z',
  });
  const waiting = buildClaim({
    name: 'Fabrikam, "phase 2"\nrollout',
    status: 'approvedCustomerNotified',
    windowClosesAt: '2026-03-10T08:00:00.000Z',
  });

  it('starts with a UTF-8 byte-order mark and ends every row with CRLF', () => {
    const bytes = claimsCsv([rejected], { locale: 'en-US', timeZone: 'UTC' });
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    assert.ok(text.endsWith('\r\n'));
    assert.equal(text.split('\r\n').length, 3, 'header, one claim, and the final line break');
  });

  it('has localized headers naming the time zone of its dates, and localized words', () => {
    const [header, row] = claimsCsvRows([rejected], { locale: 'ja-JP', timeZone: 'Asia/Tokyo' });
    assert.equal(header?.[0], t('ja-JP', 'csv.id'));
    assert.ok(
      header?.includes(t('ja-JP', 'csv.dateColumn', { column: t('ja-JP', 'csv.createdAt'), timeZone: 'Asia/Tokyo' })),
    );
    assert.ok(row?.includes(statusLabel('ja-JP', 'rejected')));
    assert.ok(row?.includes(t('ja-JP', 'rejectionReasons.insufficientPoe')));
    assert.ok(row?.includes('Exchange Online; Microsoft Teams'));
    assert.ok(row?.includes('2026-03-03 02:00'), 'created 17:00 UTC is 02:00 the next day in Tokyo');
  });

  it('quotes names with commas, quotes and line breaks, and defuses formulas, so the file reads back as written', () => {
    const text = claimsCsv([rejected, waiting], { locale: 'en-US', timeZone: 'UTC' }).toString('utf8');
    const records = parseCsv(text);
    assert.equal(records.length, 3);
    assert.equal(records[1]?.cells[1], `'${rejected.name}`, 'shown as text, never run');
    assert.equal(records[2]?.cells[1], waiting.name);
    assert.ok(!text.includes('\n=HYPERLINK') && !text.includes(',=HYPERLINK'));
  });

  it('fills the window column only while the window runs, and dates the way spreadsheets parse them', () => {
    const [header, row] = claimsCsvRows([waiting], { locale: 'en-US', timeZone: 'America/Los_Angeles' });
    const column =
      header?.indexOf(
        t('en-US', 'csv.dateColumn', { column: t('en-US', 'csv.windowClosesAt'), timeZone: 'America/Los_Angeles' }),
      ) ?? -1;
    assert.equal(row?.[column], '2026-03-10 01:00');
    assert.equal(claimsCsvRows([rejected], { locale: 'en-US', timeZone: 'UTC' })[1]?.[column], '');
    assert.equal(spreadsheetDateTime('2026-11-01T09:30:00.000Z', 'America/Los_Angeles'), '2026-11-01 01:30');
  });
});
