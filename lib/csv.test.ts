import { describe, expect, it } from 'vitest';
import { csvLine } from './csv';

describe('csvLine', () => {
  it('quotes what needs quoting and doubles quotes', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'two\nlines', null, 3])).toBe(
      'a,"b,c","say ""hi""","two\nlines",,3\r\n',
    );
  });

  it('writes dates as ISO 8601 and objects as JSON', () => {
    expect(csvLine([new Date('2026-01-02T03:04:05Z'), { name: { before: 'a', after: 'b' } }])).toBe(
      '2026-01-02T03:04:05.000Z,"{""name"":{""before"":""a"",""after"":""b""}}"\r\n',
    );
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvLine(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', 'plain'])).toBe(
      `"'=HYPERLINK(""x"")",'+1,'-2,'@SUM(A1),plain\r\n`,
    );
  });
});
