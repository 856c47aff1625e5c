/**
 * A corpus for the loopback infini-gram server (tools/infinigram-server.mjs) made by tokenizing
 * a few sentences with the Llama 2 tokenizer the app ships (public/tokenizers/llama-2/), so the
 * tests of the corpus view's API backend hold whatever vocabulary that file has: the ids the
 * app sends are the ids the server's corpus holds.
 *
 *   npx tsx tools/infinigram-corpus.ts --out corpus.json [--tokenizer public/tokenizers/llama-2]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteSpanTokenizer } from '../src/engine/byteSpanTokenizer';

export const LLAMA_2_TOKENIZER_DIR = fileURLToPath(new URL('../public/tokenizers/llama-2/', import.meta.url));

/**
 * The sentences. After "The state of the Union is" the corpus holds " strong" twice and " sound"
 * once (and the lower-case "the state of the Union is" once more, followed by " good").
 */
export const INFINI_GRAM_TEST_SENTENCES = [
  'The state of the Union is strong.',
  'The state of the Union is strong, and growing stronger.',
  'The state of the Union is sound.',
  'Fellow-Citizens of the Senate and House of Representatives: the state of the Union is good.',
  'We the People of the United States, in Order to form a more perfect Union.',
  'Natural language processing is a field of computer science.',
  'A naïve reader of 日本語 text.',
];

export interface TestCorpus {
  documents: { token_ids: number[]; text: string; metadata: string }[];
  vocab: Record<number, string>;
  vocabSize: number;
}

export function loadTokenizer(dir = LLAMA_2_TOKENIZER_DIR): ByteSpanTokenizer {
  let config: string | undefined;
  try {
    config = readFileSync(join(dir, 'tokenizer_config.json'), 'utf8');
  } catch {
    config = undefined;
  }
  return ByteSpanTokenizer.fromText(readFileSync(join(dir, 'tokenizer.json'), 'utf8'), config);
}

/** The sentences as documents of token ids (no BOS, as the API's indexes hold them), with the pieces of the ids used. */
export function buildInfiniGramCorpus(
  tokenizer: Pick<ByteSpanTokenizer, 'encode' | 'rawToken' | 'idLimit'>,
  sentences: readonly string[] = INFINI_GRAM_TEST_SENTENCES,
): TestCorpus {
  const documents = sentences.map((text) => ({
    text,
    token_ids: tokenizer.encode(text),
    metadata: JSON.stringify({ text }),
  }));
  const vocab: Record<number, string> = {};
  for (const doc of documents) for (const id of doc.token_ids) vocab[id] = tokenizer.rawToken(id);
  // The server refuses ids at or above vocabSize; the separator 65535 must stay above it.
  return { documents, vocab, vocabSize: Math.min(tokenizer.idLimit, 65535) };
}

function main(argv: string[]) {
  let out: string | null = null;
  let dir = LLAMA_2_TOKENIZER_DIR;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--tokenizer') dir = resolve(argv[++i]);
    else throw new Error(`Unknown option ${argv[i]}`);
  }
  if (!out) throw new Error('Usage: tsx tools/infinigram-corpus.ts --out corpus.json [--tokenizer folder]');
  const corpus = buildInfiniGramCorpus(loadTokenizer(dir));
  writeFileSync(out, JSON.stringify(corpus));
  console.log(`${corpus.documents.length} documents tokenized with ${dir} written to ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
