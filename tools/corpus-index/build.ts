/**
 * Ships each embedded model's training split as token ids for the ∞-gram corpus view:
 * .cache/tokens/<tokens>/train.bin (uint16 ids, each document after the models' start token,
 * from `npm run corpus && npm run tokenizer`) and .cache/corpus/train.json (the addresses'
 * year and president) → public/corpus/<tokens>.bin and public/corpus/index.json.
 *
 * The .bin files hold the documents' ids one after another, without the start token and
 * without separators, little-endian, 2 bytes an id (1 for the byte models, whose ids are the
 * bytes themselves). index.json says where each document starts, which address it is, and
 * the file's SHA-256 (the browser keys its stored suffix array by it). The suffix array is
 * built in the browser on first use: at 4 bytes a token it is too large to ship.
 * It also carries each model's interpolation λs and test figures when they were measured
 * (docs/measurements/infinigram-interpolation-<model>.json, tools/corpus-index/interpolation.ts).
 *
 *   npm run corpus-index
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, fail, readJson, repoRoot, runTool } from '../lib/files';

const OUT = join(repoRoot, 'public', 'corpus');

interface ModelConfigEntry {
  tokens: string;
}
interface TrainAddress {
  id: string;
  year: number;
  president: string;
  party: string;
  text: string;
}
interface TokenStats {
  endOfTextId: number;
  vocabSize: number;
}

export interface CorpusDocumentEntry {
  id: string;
  year: number;
  president: string;
  party: string;
  start: number;
  length: number;
}
export interface CorpusFileEntry {
  file: string;
  bytesPerId: 1 | 2;
  tokens: number;
  vocabSize: number;
  sha256: string;
  documents: CorpusDocumentEntry[];
}

function splitDocuments(ids: Uint16Array, startId: number): Uint16Array[] {
  if (ids[0] !== startId) fail(`the token file does not begin with the start token ${startId}`);
  const documents: Uint16Array[] = [];
  let begin = 1;
  for (let i = 1; i <= ids.length; i++) {
    if (i === ids.length || ids[i] === startId) {
      documents.push(ids.subarray(begin, i));
      begin = i + 1;
    }
  }
  return documents;
}

function buildOne(tokens: string, addresses: TrainAddress[]): CorpusFileEntry {
  const dir = join(cacheDir, 'tokens', tokens);
  const trainPath = join(dir, 'train.bin');
  if (!existsSync(trainPath)) fail(`${trainPath} is missing: run \`npm run corpus && npm run tokenizer\` first`);
  const stats = readJson<TokenStats>(join(dir, 'stats.json'), `token stats of ${tokens}`);
  const buffer = readFileSync(trainPath);
  const ids = new Uint16Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 2);
  const documents = splitDocuments(ids, stats.endOfTextId);
  if (documents.length !== addresses.length)
    fail(`${tokens}: ${documents.length} documents in train.bin, ${addresses.length} addresses in train.json`);
  // Byte models: every id but the start token is a byte, so one byte an id is exact.
  const bytesPerId: 1 | 2 = stats.vocabSize <= 257 ? 1 : 2;
  const total = documents.reduce((sum, d) => sum + d.length, 0);
  const out = bytesPerId === 1 ? new Uint8Array(total) : new Uint16Array(total);
  const entries: CorpusDocumentEntry[] = [];
  let start = 0;
  documents.forEach((doc, i) => {
    if (bytesPerId === 1 && doc.some((id) => id > 255)) fail(`${tokens}: an id above 255 in document ${i}`);
    out.set(doc, start);
    const { id, year, president, party } = addresses[i];
    entries.push({ id, year, president, party, start, length: doc.length });
    start += doc.length;
  });
  const bytes = new Uint8Array(out.buffer);
  writeFileSync(join(OUT, `${tokens}.bin`), bytes);
  console.log(
    `${tokens}.bin: ${documents.length} documents, ${total.toLocaleString('en-US')} tokens, ${(bytes.byteLength / 1048576).toFixed(1)} MiB`,
  );
  return {
    file: `${tokens}.bin`,
    bytesPerId,
    tokens: total,
    vocabSize: stats.vocabSize,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    documents: entries,
  };
}

await runTool(() => {
  const configs = readJson<Record<string, ModelConfigEntry>>(
    join(repoRoot, 'tools', 'models', 'configs.json'),
    'model configs',
  );
  const addresses = readJson<TrainAddress[]>(
    join(cacheDir, 'corpus', 'train.json'),
    'the training split (npm run corpus)',
  );
  mkdirSync(OUT, { recursive: true });
  const corpora: Record<string, CorpusFileEntry> = {};
  const models: Record<string, string> = {};
  for (const [modelId, config] of Object.entries(configs)) {
    corpora[config.tokens] ??= buildOne(config.tokens, addresses);
    models[modelId] = config.tokens;
  }
  const interpolation: Record<string, unknown> = {};
  for (const modelId of Object.keys(models)) {
    const measured = join(repoRoot, 'docs', 'measurements', `infinigram-interpolation-${modelId}.json`);
    if (existsSync(measured)) {
      const { lambdaSparse, lambdaDense, test } = readJson<{ lambdaSparse: number; lambdaDense: number; test: object }>(
        measured,
        'interpolation figures',
      );
      interpolation[modelId] = { lambdaSparse, lambdaDense, test };
    }
  }
  writeFileSync(join(OUT, 'index.json'), `${JSON.stringify({ split: 'train', models, corpora, interpolation })}\n`);
  console.log(`index.json: ${Object.keys(models).join(', ')}`);
});
