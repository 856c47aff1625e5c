import { describe, expect, it } from 'vitest';
import { csvField, perTokenCsv } from './csv';
import type { ResultsSnapshot } from './schema';

/** A minimal RFC 4180 reader, to check that what we write reads back field for field. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\r' && text[i + 1] === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), i++);
    else field += c;
  }
  return rows;
}

const TOKENS = ['Hello', ', world', ' "quoted"', 'line\nbreak', '=SUM(A1:A9)', '+1', '-cmd', '@import', ' the'];

function snapshot(): ResultsSnapshot {
  return {
    tokenIds: TOKENS.map((_, i) => 100 + i),
    tokenTexts: TOKENS,
    metrics: {
      surprisalBits: [null, 1.5, 2, 3, 4, 5, 6, 7, 8],
      rank: [null, 1, 2, 3, 4, 5, 6, 7, 8],
    },
    distributions: [],
    fullVocabulary: false,
  };
}

describe('per-token CSV', () => {
  it('writes a header with only the metrics present, and CRLF line ends', () => {
    const csv = perTokenCsv(snapshot());
    expect(csv.split('\r\n')[0]).toBe('position,token_id,token,surprisal_bits,rank');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(TOKENS.length + 2);
  });

  it('quotes commas, quotes and newlines so every token reads back as one field', () => {
    const rows = readCsv(perTokenCsv(snapshot()));
    expect(rows).toHaveLength(TOKENS.length + 1);
    expect(rows.slice(1, 5).map((r) => r[2])).toEqual(['Hello', ', world', ' "quoted"', 'line\nbreak']);
    expect(rows[2]).toEqual(['1', '101', ', world', '1.5', '1']);
    expect(rows[1]).toEqual(['0', '100', 'Hello', '', '']);
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const tokens = readCsv(perTokenCsv(snapshot()))
      .slice(1)
      .map((r) => r[2]);
    expect(tokens.slice(4, 8)).toEqual(["'=SUM(A1:A9)", "'+1", "'-cmd", "'@import"]);
    expect(csvField('\t=1')).toBe("'\t=1");
  });

  it('keeps the leading space of a token by quoting it', () => {
    expect(csvField(' the')).toBe('" the"');
    expect(readCsv(perTokenCsv(snapshot()))[9][2]).toBe(' the');
  });

  it('writes numbers as numbers, negative ones included', () => {
    expect(csvField(-1.25)).toBe('-1.25');
    expect(csvField(0)).toBe('0');
    expect(csvField(null)).toBe('');
  });
});
