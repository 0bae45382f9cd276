import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BusinessCalendar, parseIsoDuration } from '../../claims/calendar';

const us = new BusinessCalendar({ country: 'US', timeZone: 'America/Los_Angeles' });
const kr = new BusinessCalendar({ country: 'KR', timeZone: 'Asia/Seoul' });
const at = (iso: string): Date => new Date(iso);

describe('claims/calendar', () => {
  describe('isBusinessDay', () => {
    const cases: [string, BusinessCalendar, string, boolean][] = [
      ['a Wednesday in Los Angeles', us, '2026-11-25T18:00:00Z', true],
      ['Saturday', us, '2026-11-28T18:00:00Z', false],
      ['Sunday', us, '2026-11-29T18:00:00Z', false],
      ['Thanksgiving 2026-11-26', us, '2026-11-26T18:00:00Z', false],
      ['the observed Independence Day (Friday 2026-07-03)', us, '2026-07-03T18:00:00Z', false],
      // 07:30 UTC on Friday 27th is still Thursday evening in Los Angeles.
      ['Thanksgiving evening, judged by the local day', us, '2026-11-27T07:30:00Z', false],
      ['each day of Chuseok 2026 in Seoul', kr, '2026-09-24T03:00:00Z', false],
      ['the third day of Chuseok', kr, '2026-09-25T03:00:00Z', false],
      ['Hangeul Day', kr, '2026-10-09T03:00:00Z', false],
      ['a Tuesday in Seoul', kr, '2026-09-22T03:00:00Z', true],
      ['Thanksgiving is not a Korean holiday', kr, '2026-11-26T03:00:00Z', true],
    ];
    for (const [label, calendar, instant, expected] of cases) {
      it(`${expected ? 'counts' : 'skips'} ${label}`, () => {
        assert.equal(calendar.isBusinessDay(at(instant)), expected);
      });
    }

    it('can use another weekend', () => {
      const friSat = new BusinessCalendar({ country: 'US', timeZone: 'UTC', weekend: [5, 6] });
      assert.equal(friSat.isBusinessDay(at('2026-03-06T12:00:00Z')), false);
      assert.equal(friSat.isBusinessDay(at('2026-03-08T12:00:00Z')), true);
    });

    it('refuses an unknown country or time zone at construction', () => {
      assert.throws(() => new BusinessCalendar({ country: 'XX', timeZone: 'UTC' }), RangeError);
      assert.throws(() => new BusinessCalendar({ country: 'US', timeZone: 'Mars/Olympus' }), RangeError);
    });
  });

  describe('addBusinessDays', () => {
    const cases: [string, BusinessCalendar, string, number, string][] = [
      ['Monday + 5 ends the next Monday', us, '2026-03-02T17:00:00Z', 5, '2026-03-10T07:00:00.000Z'],
      ['Friday night + 1 skips the weekend', us, '2026-03-06T23:30:00-08:00', 1, '2026-03-10T07:00:00.000Z'],
      ['a Saturday start counts from Monday', us, '2026-03-07T12:00:00-08:00', 1, '2026-03-10T07:00:00.000Z'],
      ['5 days over Thanksgiving', us, '2026-11-20T12:00:00-08:00', 5, '2026-12-01T08:00:00.000Z'],
      ['2 days over Chuseok', kr, '2026-09-22T10:00:00+09:00', 2, '2026-09-28T15:00:00.000Z'],
      // DST starts on Sunday 2026-03-08: the Friday deadline midnight is PDT (UTC-7), not PST.
      ['across the spring DST change', us, '2026-03-06T10:00:00-08:00', 5, '2026-03-14T07:00:00.000Z'],
      ['across the autumn DST change', us, '2026-10-30T10:00:00-07:00', 1, '2026-11-03T08:00:00.000Z'],
      ['0 days is the same instant', us, '2026-03-02T17:00:00Z', 0, '2026-03-02T17:00:00.000Z'],
    ];
    for (const [label, calendar, from, n, expected] of cases) {
      it(label, () => {
        assert.equal(calendar.addBusinessDays(at(from), n).toISOString(), expected);
      });
    }

    it('refuses negative and fractional counts', () => {
      assert.throws(() => us.addBusinessDays(at('2026-03-02T17:00:00Z'), -1), RangeError);
      assert.throws(() => us.addBusinessDays(at('2026-03-02T17:00:00Z'), 1.5), RangeError);
    });

    it('starts a day without a midnight at the end of the DST gap (Santiago)', () => {
      const cl = new BusinessCalendar({ country: 'CL', timeZone: 'America/Santiago' });
      assert.equal(new Date(cl.startOfLocalDate('2026-09-06')).toISOString(), '2026-09-06T04:00:00.000Z');
      assert.equal(new Date(cl.startOfLocalDate('2026-04-05')).toISOString(), '2026-04-05T04:00:00.000Z');
    });
  });

  describe('businessDaysBetween', () => {
    it('counts down the business days left', () => {
      const deadline = us.addBusinessDays(at('2026-11-20T12:00:00-08:00'), 5);
      assert.equal(us.businessDaysBetween(at('2026-11-20T12:00:00-08:00'), deadline), 5);
      assert.equal(us.businessDaysBetween(at('2026-11-25T09:00:00-08:00'), deadline), 2);
      assert.equal(us.businessDaysBetween(at('2026-11-30T09:00:00-08:00'), deadline), 0);
      assert.equal(us.businessDaysBetween(deadline, at('2026-11-20T12:00:00-08:00')), 0);
    });
  });

  describe('parseWindow', () => {
    const from = at('2026-03-02T17:00:00Z');
    const cases: [string, string][] = [
      ['5', '2026-03-10T07:00:00.000Z'],
      [' 1 ', '2026-03-04T08:00:00.000Z'],
      ['PT2M', '2026-03-02T17:02:00.000Z'],
      ['PT1H30M', '2026-03-02T18:30:00.000Z'],
      ['P1D', '2026-03-03T17:00:00.000Z'],
      ['PT0.5S', '2026-03-02T17:00:00.500Z'],
      ['P1W', '2026-03-09T17:00:00.000Z'],
    ];
    for (const [spec, expected] of cases) {
      it(`reads ${JSON.stringify(spec)}`, () => {
        assert.equal(us.parseWindow(spec)(from).toISOString(), expected);
      });
    }
    for (const spec of ['0', '-3', 'P', 'PT', 'P1M', 'P1Y', 'PT0S', 'five', '1.5', '', 'P1DT']) {
      it(`refuses ${JSON.stringify(spec)}`, () => {
        assert.throws(() => us.parseWindow(spec), RangeError);
      });
    }
    it('reads durations in lower case too', () => {
      assert.equal(parseIsoDuration('pt90s'), 90_000);
    });
  });

  describe('properties', () => {
    const instant = fc.date({
      min: new Date('2024-01-01T00:00:00Z'),
      max: new Date('2030-12-31T00:00:00Z'),
      noInvalidDate: true,
    });
    const days = fc.integer({ min: 1, max: 40 });
    const calendars = fc.constantFrom(us, kr);

    it('ends on a local midnight that closes a business day', () => {
      fc.assert(
        fc.property(calendars, instant, days, (calendar, from, n) => {
          const deadline = calendar.addBusinessDays(from, n);
          assert.equal(deadline.getTime(), calendar.startOfLocalDate(calendar.localDate(deadline)));
          assert.equal(calendar.isBusinessDay(new Date(deadline.getTime() - 1)), true);
          assert.ok(deadline.getTime() > from.getTime());
        }),
        { numRuns: 150 },
      );
    });

    it('is strictly monotonic in n', () => {
      fc.assert(
        fc.property(calendars, instant, days, (calendar, from, n) => {
          assert.ok(calendar.addBusinessDays(from, n + 1).getTime() > calendar.addBusinessDays(from, n).getTime());
        }),
        { numRuns: 100 },
      );
    });

    it('skips exactly n business days', () => {
      fc.assert(
        fc.property(calendars, instant, days, (calendar, from, n) => {
          assert.equal(calendar.businessDaysBetween(from, calendar.addBusinessDays(from, n)), n);
        }),
        { numRuns: 100 },
      );
    });
  });
});
