/**
 * Prompts for a batch from pasted text or a file, in three formats:
 *
 * - `lines`: one prompt per line; blank lines are skipped; ids p1, p2, … in order.
 * - `jsonl`: one JSON object per line: {"id"?, "prompt" (or "text"), "expected"?: string or
 *   string[], "match"?}; blank lines skipped; a missing id is p<n> (n-th prompt).
 * - `csv`: RFC 4180 with a header row naming the columns: `prompt` (or `text`) required, `id`,
 *   `expected` and `match` optional, in any order. Fields may be quoted ("a, b", "say ""hi""",
 *   line breaks inside quotes). Several answers go in one `expected` field separated by `|`,
 *   except with match `regex`, where the field is one pattern (use alternation inside it).
 *
 * Errors name the line (1-based, as an editor counts them) and what is wrong. The result is
 * checked against the definition's prompt schema, so what parses here is accepted there.
 */
import { batchPromptSchema, BATCH_LIMITS, type BatchPrompt } from './definition';
import { MATCH_MODES, compileAnswerPattern, type MatchMode } from './match';

export type PromptFormat = 'lines' | 'jsonl' | 'csv';

export class PromptParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`Line ${line}: ${message}`);
    this.name = 'PromptParseError';
  }
}

/** The format a file name's extension says, else a guess from the text: `{` first → jsonl, a header with `prompt` or `text` → csv, else lines. */
export function detectPromptFormat(text: string, fileName?: string): PromptFormat {
  const extension = fileName?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (extension === 'jsonl' || extension === 'ndjson') return 'jsonl';
  if (extension === 'csv') return 'csv';
  if (extension === 'txt') return 'lines';
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  if (first.trimStart().startsWith('{')) return 'jsonl';
  if (
    /^\s*"?(id|prompt|text)"?\s*(,|$)/i.test(first) &&
    first.includes(',') &&
    /(^|,)\s*"?(prompt|text)"?\s*(,|$)/i.test(first)
  )
    return 'csv';
  return 'lines';
}

/** Parses prompts in the given format (default: detected). Throws a PromptParseError naming the line. */
export function parsePrompts(text: string, format: PromptFormat = detectPromptFormat(text)): BatchPrompt[] {
  const rows = format === 'lines' ? linesRows(text) : format === 'jsonl' ? jsonlRows(text) : csvRows(text);
  if (rows.length === 0) throw new PromptParseError(1, 'no prompts found.');
  if (rows.length > BATCH_LIMITS.prompts)
    throw new PromptParseError(rows[BATCH_LIMITS.prompts].line, `more than ${BATCH_LIMITS.prompts} prompts.`);
  const seen = new Map<string, number>();
  return rows.map((row, n) => {
    const id = row.id ?? `p${n + 1}`;
    const previous = seen.get(id);
    if (previous !== undefined)
      throw new PromptParseError(row.line, `the id "${id}" is already used on line ${previous}.`);
    seen.set(id, row.line);
    const candidate = {
      id,
      prompt: row.prompt,
      ...(row.expected ? { expected: row.expected } : {}),
      ...(row.match ? { match: row.match } : {}),
    };
    const checked = batchPromptSchema.safeParse(candidate);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new PromptParseError(row.line, `${issue.path.join('.') || 'prompt'} ${issue.message}`);
    }
    if (checked.data.match === 'regex') {
      for (const pattern of checked.data.expected ?? []) {
        try {
          compileAnswerPattern(pattern);
        } catch (error) {
          throw new PromptParseError(row.line, (error as Error).message);
        }
      }
    }
    return checked.data;
  });
}

interface Row {
  line: number;
  id?: string;
  prompt: string;
  expected?: string[];
  match?: MatchMode;
}

function matchValue(value: unknown, line: number): MatchMode | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && (MATCH_MODES as readonly string[]).includes(value)) return value as MatchMode;
  throw new PromptParseError(line, `"match" must be one of ${MATCH_MODES.join(', ')} (got ${JSON.stringify(value)}).`);
}

function linesRows(text: string): Row[] {
  const rows: Row[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() !== '') rows.push({ line: i + 1, prompt: line });
  });
  return rows;
}

function jsonlRows(text: string): Row[] {
  const rows: Row[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new PromptParseError(line, `not valid JSON (${(error as Error).message}).`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new PromptParseError(line, 'must be a JSON object such as {"id": "p1", "prompt": "…"}.');
    const record = value as Record<string, unknown>;
    const prompt = record.prompt ?? record.text;
    if (typeof prompt !== 'string') throw new PromptParseError(line, 'needs a "prompt" (or "text") string.');
    const id = record.id;
    if (id !== undefined && typeof id !== 'string' && typeof id !== 'number')
      throw new PromptParseError(line, '"id" must be a string or a number.');
    let expected = record.expected;
    if (typeof expected === 'string') expected = [expected];
    if (expected !== undefined && !(Array.isArray(expected) && expected.every((e) => typeof e === 'string'))) {
      throw new PromptParseError(line, '"expected" must be a string or an array of strings.');
    }
    rows.push({
      line,
      id: id === undefined ? undefined : String(id),
      prompt,
      expected: expected as string[] | undefined,
      match: matchValue(record.match, line),
    });
  });
  return rows;
}

/** RFC 4180 records with the line each starts on; a quoted field may span lines. */
function csvRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      if (field !== '')
        throw new PromptParseError(
          line,
          'a quote inside an unquoted field (quote the whole field and double the quote: "say ""hi""").',
        );
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      wasQuoted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0] !== '' || wasQuoted) records.push({ line: start, fields });
      fields = [];
      field = '';
      wasQuoted = false;
      line++;
      start = line;
    } else {
      if (wasQuoted)
        throw new PromptParseError(line, 'text after a closing quote (a field is either quoted whole or not at all).');
      field += c;
    }
  }
  if (quoted) throw new PromptParseError(start, 'a quoted field is never closed.');
  fields.push(field);
  if (fields.length > 1 || fields[0] !== '' || wasQuoted) records.push({ line: start, fields });
  return records;
}

function csvRows(text: string): Row[] {
  const [header, ...records] = csvRecords(text.replace(/^\uFEFF/, ''));
  if (!header) return [];
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const column = (name: string) => names.indexOf(name);
  const promptColumn = column('prompt') >= 0 ? column('prompt') : column('text');
  if (promptColumn < 0)
    throw new PromptParseError(
      header.line,
      `the header row must name a "prompt" (or "text") column; it has ${names.map((n) => `"${n}"`).join(', ')}.`,
    );
  const unknown = names.find((n) => !['id', 'prompt', 'text', 'expected', 'match'].includes(n));
  if (unknown !== undefined)
    throw new PromptParseError(header.line, `unknown column "${unknown}" (expected id, prompt, expected, match).`);
  return records.map(({ line, fields }) => {
    if (fields.length !== names.length)
      throw new PromptParseError(line, `has ${fields.length} fields; the header has ${names.length}.`);
    const get = (name: string) => (column(name) >= 0 ? fields[column(name)] : '');
    const match = matchValue(get('match').trim(), line);
    const expectedText = get('expected');
    const expected =
      expectedText.trim() === ''
        ? undefined
        : match === 'regex'
          ? [expectedText]
          : expectedText
              .split('|')
              .map((e) => e.trim())
              .filter((e) => e !== '');
    const id = get('id').trim();
    return { line, id: id === '' ? undefined : id, prompt: fields[promptColumn], expected, match };
  });
}
