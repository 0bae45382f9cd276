import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CATALOGS } from '../../locales/catalogs';
import {
  COMMANDS,
  commandFor,
  commandWords,
  coopGuidance,
  formatCountdown,
  formatDate,
  formatDateTime,
  formatFileSize,
  LOCALES,
  MissingMessageError,
  normalizeCommandText,
  parseCommand,
  problemMessage,
  resolveLocale,
  type Locale,
  t,
  Translator,
} from '../../locales/i18n';

describe('resolveLocale', () => {
  const cases: [string | undefined, string][] = [
    ['ko', 'ko-KR'],
    ['ko-KR', 'ko-KR'],
    ['KO-KR', 'ko-KR'],
    ['ko_kr', 'ko-KR'],
    ['ja', 'ja-JP'],
    ['ja-JP', 'ja-JP'],
    ['JA-jp', 'ja-JP'],
    ['en-GB', 'en-US'],
    ['fr-FR', 'en-US'],
    ['kok-IN', 'en-US'],
    ['jav', 'en-US'],
    ['', 'en-US'],
    [undefined, 'en-US'],
  ];
  for (const [input, expected] of cases) {
    it(`${String(input)} → ${expected}`, () => assert.equal(resolveLocale(input), expected));
  }
});

describe('t', () => {
  it("fills placeholders, formatting numbers the locale's way", () => {
    assert.equal(t('en-US', 'dates.windowClosesInDays', { days: 3 }), 'The opt-out window closes in 3 business days.');
    assert.equal(t('ko-KR', 'dates.windowClosesInDays', { days: 3 }), '옵트아웃 기간이 3영업일 후에 종료됩니다.');
    assert.ok(t('ja-JP', 'manage.exportTruncated', { count: 1200 }).includes('最初の 1,200 件'));
  });

  it('inserts parameters as plain text: template syntax, replacement patterns and markdown stay literal', () => {
    const hostile = [
      '${$root.secret}',
      "${if(true,'x','y')}",
      '{size}',
      '$& $1 $$',
      '[click](https://evil)',
      '**bold** <b>x</b>',
    ];
    for (const fileName of hostile) {
      assert.equal(t('en-US', 'poe.received', { fileName, size: '1 MB' }), `Received ${fileName} (1 MB).`);
    }
  });

  it("never lets one parameter's value be read as another placeholder (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (fileName, size) => {
        assert.equal(t('en-US', 'poe.received', { fileName, size }), `Received ${fileName} (${size}).`);
      }),
    );
  });

  it('leaves a missing parameter visible, and a strict translator throws for it', () => {
    assert.equal(t('en-US', 'welcome.greeting'), 'Hello, {name}.');
    assert.throws(() => new Translator(CATALOGS, { strict: true }).t('en-US', 'welcome.greeting'), MissingMessageError);
  });

  it('falls back to en-US for a key a locale lacks; strict mode throws instead', () => {
    const partial = { ...CATALOGS, 'ko-KR': { welcome: {} } };
    assert.equal(new Translator(partial).t('ko-KR', 'welcome.help'), 'Help');
    assert.throws(() => new Translator(partial, { strict: true }).t('ko-KR', 'welcome.help'), /missing in this locale/);
  });

  it('throws for a key that even en-US lacks (a computed key that skipped hasMessage)', () => {
    const translator = new Translator({ ...CATALOGS, 'en-US': {} });
    assert.throws(() => translator.t('en-US', 'welcome.help'), /missing in en-US/);
  });
});

describe('commandFor', () => {
  const table: [string, string][] = [
    ['new claim', 'newClaim'],
    ['New Claim', 'newClaim'],
    ['  NEW   claim  ', 'newClaim'],
    ['ｎｅｗ　ｃｌａｉｍ', 'newClaim'],
    ['새 클레임', 'newClaim'],
    ['새클레임', 'newClaim'],
    ['新しい申請', 'newClaim'],
    ['新しい申請。', 'newClaim'],
    ['continue draft', 'continueDraft'],
    ['초안 계속', 'continueDraft'],
    ['下書きを続ける', 'continueDraft'],
    ['my claims', 'myClaims'],
    ['내 클레임', 'myClaims'],
    ['自分の申請', 'myClaims'],
    ['status', 'status'],
    ['상태', 'status'],
    ['ステータス', 'status'],
    ['ｽﾃｰﾀｽ', 'status'],
    ['history', 'history'],
    ['기록', 'history'],
    ['履歴', 'history'],
    ['help', 'help'],
    ['Help!', 'help'],
    ['?', 'help'],
    ['？', 'help'],
    ['도움말', 'help'],
    ['ヘルプ', 'help'],
    ['ﾍﾙﾌﾟ', 'help'],
    ['cancel', 'cancel'],
    ['취소', 'cancel'],
    ['キャンセル', 'cancel'],
  ];
  for (const [text, command] of table) {
    it(`"${text}" → ${command}`, () => assert.equal(commandFor(text), command));
  }

  it('matches whole messages only, not words inside other text', () => {
    for (const text of [
      'new claims please',
      'my claim name is help',
      'Contoso rollout',
      '',
      '   ',
      '.',
      'claimstatus?',
    ]) {
      assert.equal(commandFor(text), undefined, text);
    }
    assert.equal(commandFor(undefined), undefined);
  });

  it('every command has words in every language, and no word means two commands', () => {
    const owner = new Map<string, string>();
    for (const command of COMMANDS) {
      for (const locale of LOCALES) assert.ok(commandWords(command).length >= LOCALES.length, `${command} ${locale}`);
      for (const word of commandWords(command)) {
        const key = normalizeCommandText(word);
        assert.ok(!owner.has(key) || owner.get(key) === command, `"${word}" is both ${owner.get(key)} and ${command}`);
        owner.set(key, command);
        assert.equal(commandFor(word), command, word);
      }
    }
  });

  it('splits a command word from its argument, keeping the argument as typed', () => {
    assert.deepEqual(parseCommand('Status  Contoso Rollout'), { command: 'status', argument: 'Contoso Rollout' });
    assert.deepEqual(parseCommand('클레임 상태 Contoso'), { command: 'status', argument: 'Contoso' });
    assert.deepEqual(parseCommand('履歴 ${x}'), { command: 'history', argument: '${x}' });
    assert.deepEqual(parseCommand('help'), { command: 'help', argument: '' });
    assert.equal(parseCommand('statuses are fine'), undefined);
  });
});

describe('dates, sizes and countdowns', () => {
  // 23:30 UTC on 4 March is already 5 March in Seoul and Tokyo.
  const instant = new Date('2025-03-04T23:30:00Z');

  it("formats dates in the user's zone and language", () => {
    assert.equal(formatDate('en-US', instant, 'America/New_York'), 'March 4, 2025');
    assert.equal(formatDate('ko-KR', instant, 'Asia/Seoul'), '2025년 3월 5일');
    assert.equal(formatDate('ja-JP', instant, 'Asia/Tokyo'), '2025年3月5日');
    assert.equal(formatDateTime('ja-JP', instant, 'Asia/Tokyo'), '2025年3月5日 午前8:30 日本標準時');
    assert.equal(formatDateTime('ko-KR', instant, 'America/Los_Angeles'), '2025년 3월 4일 오후 3:30 태평양 표준시');
    assert.equal(formatDateTime('en-US', instant, 'America/Los_Angeles'), 'March 4, 2025 at 3:30 PM PST');
  });

  it('reads the clock with 午前/午後 and 오전/오후, the US zones named as Japanese and Korean speakers say them', () => {
    const afternoon = new Date('2026-03-06T21:34:00Z');
    const summer = new Date('2026-07-06T22:05:00Z');
    const noon = new Date('2026-01-06T03:05:00Z');
    const cases: [Locale, Date, string, string][] = [
      ['ja-JP', afternoon, 'America/Los_Angeles', '2026年3月6日 午後1:34 太平洋標準時'],
      ['ja-JP', summer, 'America/Los_Angeles', '2026年7月6日 午後3:05 太平洋夏時間'],
      ['ja-JP', afternoon, 'America/New_York', '2026年3月6日 午後4:34 東部標準時'],
      // Japanese counts the hour after noon as 午後0時, not 午後12時.
      ['ja-JP', noon, 'Asia/Tokyo', '2026年1月6日 午後0:05 日本標準時'],
      ['ko-KR', afternoon, 'America/Los_Angeles', '2026년 3월 6일 오후 1:34 태평양 표준시'],
      ['ko-KR', summer, 'America/Denver', '2026년 7월 6일 오후 4:05 산지 하계 표준시'],
      ['ko-KR', noon, 'Asia/Seoul', '2026년 1월 6일 오후 12:05 한국 표준시'],
      ['en-US', afternoon, 'America/Los_Angeles', 'March 6, 2026 at 1:34 PM PST'],
    ];
    for (const [locale, date, zone, expected] of cases) assert.equal(formatDateTime(locale, date, zone), expected);
    for (const date of [afternoon, summer, noon])
      for (const locale of ['ko-KR', 'ja-JP'] as const)
        assert.doesNotMatch(formatDateTime(locale, date, 'America/Chicago'), /AM|PM|米国|미 /u);
  });

  it('falls back to UTC for a zone Intl does not know, and refuses a non-date', () => {
    assert.equal(formatDate('en-US', '2025-03-04T23:30:00Z', 'Mars/Olympus_Mons'), 'March 4, 2025');
    assert.throws(() => formatDate('en-US', 'not a date'), TypeError);
  });

  it("counts business days down to the window's close and past a deadline", () => {
    assert.equal(formatCountdown('en-US', 'window', 5), 'The opt-out window closes in 5 business days.');
    assert.equal(formatCountdown('en-US', 'window', 1), 'The opt-out window closes in 1 business day.');
    assert.equal(formatCountdown('en-US', 'window', 0), 'The opt-out window closes today.');
    assert.equal(formatCountdown('en-US', 'window', -1), 'The opt-out window has closed.');
    assert.equal(formatCountdown('ja-JP', 'deadline', 2), '期限まであと 2 営業日です。');
    assert.equal(formatCountdown('ko-KR', 'deadline', -3), '기한이 지났습니다.');
  });

  it('shows file sizes in bytes, kB or MB', () => {
    assert.equal(formatFileSize('en-US', 512), '512 byte');
    assert.equal(formatFileSize('en-US', 3_500), '3.4 kB');
    assert.equal(formatFileSize('en-US', 25 * 1024 * 1024), '25 MB');
  });
});

describe('problemMessage', () => {
  it('names the field and adds the hint the validator gave', () => {
    assert.equal(
      problemMessage('en-US', { code: 'domainInvalid', field: 'customerDomain', params: { hint: 'email' } }),
      "Customer domain name isn't a valid domain name. Enter something like contoso.onmicrosoft.com. Enter only the domain, not an email address.",
    );
    assert.equal(
      problemMessage('ko-KR', { code: 'required', field: 'customerContact.email' }),
      '고객 연락처 전자 메일 주소 항목은 필수입니다.',
    );
  });

  it('turns ids into names: products, solution areas, statuses, limits', () => {
    assert.equal(
      problemMessage('ja-JP', {
        code: 'productNotInArea',
        field: 'productIds',
        params: { productId: 'powerBI', solutionArea: 'microsoft365' },
      }),
      'Power BI は Microsoft 365 に含まれていません。',
    );
    assert.equal(problemMessage('en-US', { code: 'mpnIdInvalid', field: 'mpnId' }), 'MPN ID must be 6 to 10 digits.');
    assert.equal(
      problemMessage('en-US', {
        code: 'transitionNotAllowed',
        field: 'status',
        params: { event: 'submit', status: 'underReview' },
      }),
      "That isn't possible while the claim is Under review.",
    );
  });

  it('names the workload or subscription another partner holds, never the partner', () => {
    assert.equal(
      problemMessage('en-US', {
        code: 'keyHeldByAnotherPartner',
        field: 'productIds',
        params: { key: 'm365|aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee|exchangeOnline' },
      }),
      'Exchange Online is already associated with another partner for this customer.',
    );
    assert.equal(
      problemMessage('ko-KR', {
        code: 'keyHeldByAnotherPartner',
        field: 'productIds',
        params: { key: 'sub|t|11111111-2222-4333-8444-555555555555' },
      }),
      '이 고객의 구독 11111111-2222-4333-8444-555555555555에는 이미 다른 파트너가 연결되어 있습니다.',
    );
  });

  it('still says something useful for a code nobody wrote a message for', () => {
    assert.equal(problemMessage('en-US', { code: 'brandNewCode', field: 'mpnId' }), "MPN ID isn't valid.");
  });

  it("explains the co-op process for programs outside CPOR, in the partner's words", () => {
    assert.match(
      coopGuidance('en-US', 'CSP') ?? '',
      /Cloud Solution Provider \(CSP\) program follow the co-op claim process/,
    );
    assert.match(coopGuidance('ko-KR', '호스팅') ?? '', /^.*호스팅 프로그램의 클레임은 Co-op 클레임 프로세스/);
    assert.match(coopGuidance('ja-JP', 'ｓｕｒｆａｃｅ') ?? '', /Surface プログラムの申請は Co-op 申請プロセス/);
    assert.equal(coopGuidance('en-US', 'Dynamics 365 Sales'), undefined);
  });
});
