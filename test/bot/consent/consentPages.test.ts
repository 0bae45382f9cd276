import assert from 'node:assert/strict';
import fc from 'fast-check';
import { consentCardPage, consentMessagePage, optOutPage, pageLocale } from '../../../bot/consent/consentPages';
import { escapeHtml, jsonForScriptElement } from '../../../bot/http/html';

describe('consent pages', () => {
  it('pick the language from ?lang=, then Accept-Language by preference, then English', () => {
    assert.equal(pageLocale(undefined, 'ko-KR,ko;q=0.9,en-US;q=0.8'), 'ko-KR');
    assert.equal(pageLocale(undefined, 'en;q=0.3, ja;q=0.9'), 'ja-JP');
    assert.equal(pageLocale(undefined, 'fr-CA, fr;q=0.9, ko;q=0.1'), 'ko-KR');
    assert.equal(pageLocale(undefined, 'ja;q=0, de'), 'en-US');
    assert.equal(pageLocale('ja', 'ko'), 'ja-JP');
    assert.equal(pageLocale('xx', 'ko'), 'ko-KR');
    assert.equal(pageLocale(undefined, undefined), 'en-US');
  });

  it('take ?lang= only when the language table knows it and it has the shape of a tag', () => {
    assert.equal(pageLocale('ko-KR', 'ja'), 'ko-KR');
    assert.equal(pageLocale('JA_jp', 'ko'), 'ja-JP');
    for (const odd of ['xx-XX', 'ko-KR"><script>', 'ko;', '', 'en-US-x-private-long', '../ko-KR'])
      assert.equal(pageLocale(odd, 'ja'), 'ja-JP', odd);
  });

  it('escape message text and offer the language switch', () => {
    const html = consentMessagePage(
      { locale: 'en-US', nonce: 'n0' },
      { title: '<i>t</i>', paragraphs: ['a & <b>'], tone: 'bad' },
    );
    assert.ok(html.includes('&lt;i&gt;t&lt;/i&gt;') && html.includes('a &amp; &lt;b&gt;'));
    assert.doesNotMatch(html, /<i>|<b>/);
    assert.match(html, /<a href="\?lang=ko-KR" lang="ko"/);
    assert.match(html, /<style nonce="n0">/);
    assert.doesNotMatch(html, /<script/);
  });

  it('the opt-out confirmation: what it means, an optional reason kept as typed (escaped), Confirm and Back, links to the same step', () => {
    const typed = '</textarea><script>alert(1)</script> & "why"';
    const html = optOutPage(
      { locale: 'en-US', nonce: 'n2' },
      { partnerName: 'Fabrikam <b>', csrf: 'c"1', reason: typed, problem: 'Too <long>' },
    );
    assert.match(html, /<h2>Opt out of this association\?<\/h2>/);
    assert.match(html, /If you opt out, Fabrikam &lt;b&gt; won&#39;t be recorded/);
    assert.match(html, /<input type="hidden" name="verb" value="customerOptOutConfirm">/);
    assert.match(html, /name="csrf" value="c&quot;1"/);
    assert.match(
      html,
      /<textarea id="reason" name="reason" rows="4" maxlength="500" aria-describedby="reason-hint reason-problem">&lt;\/textarea&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;why&quot;<\/textarea>/,
    );
    assert.match(html, /role="alert">Too &lt;long&gt;<\/p>/);
    assert.match(html, /<button type="submit" class="destructive">Confirm opt-out<\/button>/);
    assert.match(html, /<a href="\?lang=en-US">Back<\/a>/);
    assert.match(html, /<a href="\?lang=ko-KR&amp;step=optOut" lang="ko"/);
    assert.doesNotMatch(html, /<script|<b>/);
  });

  it('keep a card value from ending the data block or the page (the card JSON is parsed back unchanged)', () => {
    const hostile = '</script><script>alert(1)</script><!--';
    const html = consentCardPage(
      { locale: 'en-US', nonce: 'n1' },
      { card: { type: 'AdaptiveCard', body: [{ type: 'TextRun', text: hostile }] }, csrf: '"><x' },
    );
    assert.equal((html.match(/<\/script>/g) ?? []).length, 3, 'only our three script elements close');
    const data = /<script type="application\/json" id="consent-card">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    assert.equal((JSON.parse(data) as { body: { text: string }[] }).body[0]?.text, hostile);
    assert.match(html, /name="csrf" value="&quot;&gt;&lt;x"/);
    assert.match(html, /<button type="submit" name="verb" value="customerOptOut">Opt out<\/button>/);
  });
});

describe('html helpers', () => {
  it('escapeHtml leaves no markup character behind, and only those change', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const escaped = escapeHtml(text);
        return (
          !/[<>"']/.test(escaped) && escaped.replace(/&(amp|lt|gt|quot|#39);/g, '') === text.replace(/[&<>"']/g, '')
        );
      }),
    );
  });

  it('jsonForScriptElement round-trips any value and never contains < > &', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const json = jsonForScriptElement(value);
        return !/[<>&]/.test(json) && JSON.stringify(JSON.parse(json)) === JSON.stringify(value);
      }),
    );
  });
});
