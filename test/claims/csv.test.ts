import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csvField, CsvSyntaxError, parseCsv, spreadsheetSafe, toCsv, UTF8_BOM } from '../../claims/csv';

/** Rows written with RFC 4180 quoting only (no spreadsheet guard), as another tool would write them. */
const plainCsv = (rows: string[][], eol: string): string =>
  rows.map((row) => row.map(csvField).join(',') + eol).join('');

describe('csv', () => {
  describe('writing', () => {
    it('quotes only fields with a quote, comma or line break, doubling the quotes', () => {
      assert.equal(
        toCsv([['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere']]),
        'plain,"a,b","say ""hi""","two\nlines","cr\rhere"\r\n',
      );
    });

    it('makes cells a spreadsheet would run as formulas plain text with a leading apostrophe', () => {
      for (const formula of ['=HYPERLINK("https://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
        assert.ok(spreadsheetSafe(formula).startsWith("'"), JSON.stringify(formula));
      }
      assert.equal(toCsv([['=1+1', 'a=b', ' =x']]), "'=1+1,a=b, =x\r\n", 'only the first character counts');
      assert.equal(toCsv([['=A1,"B"']]), `"'=A1,""B"""\r\n`, 'guarded, then quoted');
    });

    it('guards a formula behind invisible characters, and quotes cells with a semicolon', () => {
      for (const lead of [
        '\u200B',
        '\u200C\u200D',
        '\u2060',
        '\uFEFF',
        '\u00AD',
        '\u200E',
        '\u202E',
        '\u2066',
        '\u061C',
      ]) {
        for (const start of ['=', '+', '-', '@']) {
          const cell = `${lead}${start}HYPERLINK("http://x.example")`;
          assert.equal(spreadsheetSafe(cell), `'${cell}`, JSON.stringify(cell));
        }
      }
      assert.equal(spreadsheetSafe('\u200Bplain'), '\u200Bplain');
      assert.equal(toCsv([[';=cmd|calc', 'a;b', 'plain']]), '";=cmd|calc","a;b",plain\r\n');
      assert.deepEqual(
        parseCsv(toCsv([[';=1', '\u200B=2']])).map((r) => r.cells),
        [[';=1', "'\u200B=2"]],
      );
    });

    it('writes no cell that starts with a formula character, whatever the text', () => {
      fc.assert(
        fc.property(
          fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }), {
            minLength: 1,
            maxLength: 4,
          }),
          (rows) => {
            for (const record of parseCsv(toCsv(rows))) {
              for (const cell of record.cells) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
            }
          },
        ),
      );
    });
  });

  describe('reading', () => {
    it('reads back what RFC 4180 quoting wrote, with CRLF or LF', () => {
      const cell = fc.string({ unit: 'binary' });
      fc.assert(
        fc.property(
          fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
          fc.constantFrom('\r\n', '\n'),
          (rows, eol) => {
            assert.deepEqual(
              parseCsv(plainCsv(rows, eol)).map((r) => r.cells),
              rows,
            );
          },
        ),
      );
    });

    it('numbers each record by the line it starts on, across quoted line breaks and blank lines', () => {
      const records = parseCsv(`${UTF8_BOM}a,b\r\n"x\ny",z\n\nlast,"one"`);
      assert.deepEqual(records, [
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['x\ny', 'z'] },
        { line: 5, cells: ['last', 'one'] },
      ]);
    });

    it('refuses broken quoting, naming the line', () => {
      const lineOf = (text: string): number => {
        try {
          parseCsv(text);
        } catch (e) {
          assert.ok(e instanceof CsvSyntaxError);
          return e.line;
        }
        return assert.fail('expected a syntax error');
      };
      assert.equal(lineOf('a,b\nc,"never closed\nd,e'), 2);
      assert.equal(lineOf('a,b\nc,d\ne,say "hi"'), 3);
      assert.equal(lineOf('a\n"closed"then text'), 2);
    });
  });
});
