/**
 * `ngram build|count|ntd|infgram|score`: the corpus view's ∞-gram index (core/ngram/infiniGram.ts,
 * Liu et al. 2024, PAPERS.md §3) on the command line, JSON on stdout.
 *
 * `build` indexes an embedded model's training split or text files through the app's
 * CorpusIndexService (engine/corpusIndex.ts), so the index is the one the browser builds; it
 * writes InfiniGramIndex.toBytes() to INDEX and a sidecar INDEX.json (model, tokenizer hash,
 * documents). The query commands read both back; the tokenizer hash keeps a query from being
 * tokenized by another tokenizer than the index's.
 *
 * `score` reads JSONL ({"id", "text"} a line) and writes JSONL, one line per input line of its
 * shard (input line k, 0-based, belongs to shard k mod n), in input order, with nothing that
 * varies between runs: shards are disjoint and, merged and sorted by `line`, equal the
 * unsharded file byte for byte. With `--api` it asks the infini-gram HTTP API
 * (core/ngram/infiniGramApi.ts) instead of a local index, tokenizing with the API index's own
 * tokenizer (the tokenizer lab's copy).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { bytesProblem, LIMITS, tokensProblem } from '../core/limits';
import { InfiniGramIndex } from '../core/ngram/infiniGram';
import {
  createInfiniGramApi,
  INFINI_GRAM_INDEXES,
  INFINI_GRAM_LIMITS,
  type InfiniGramApi,
} from '../core/ngram/infiniGramApi';
import { ByteSpanTokenizer } from '../engine/byteSpanTokenizer';
import { utf8Length } from '../core/tokenizers/words';
import { CorpusIndexService } from '../engine/corpusIndex';
import type { CorpusSourceParams, TrainingSplitEntry } from '../protocol/corpus';
import { Engine } from '../engine/engine';
import type { ModelInfo } from '../protocol/model';
import { memoryCorpusIndexStore } from '../storage/corpusIndexStore';
import { resolveModelArgument, UsageError } from './args';
import type { NgramArgs } from './ngramArgs';
import { createNodeRuntime, EMBEDDED_MODELS_DIR, REPO_ROOT } from '../engine/nodeRuntime';

/** What INDEX.json says about INDEX. */
export interface NgramIndexSidecar {
  format: 'tokenscope-ngram-index';
  version: 1;
  /** ModelInfo.key of the model whose tokenizer tokenized the corpus, and its label (for --model). */
  model: string;
  modelLabel: string;
  /** SHA-256 of that tokenizer.json: queries must be tokenized by the same tokenizer. */
  tokenizerSha256: string | null;
  vocabSize: number;
  source: 'training-split' | 'files';
  /** The app's index key (vocabulary size and content hash of the token ids). */
  key: string;
  documents: { title: string; start: number; length: number }[];
  documentCount: number;
  tokenCount: number;
  /** Suffix-array construction, in ms (the index is otherwise identical run to run). */
  buildMs: number;
  indexBytes: number;
}

function modelSummary(info: ModelInfo) {
  return { label: info.label, key: info.key, vocabSize: info.vocabSize };
}

async function tokenizerHash(engine: Engine): Promise<string | null> {
  const hashes = await engine.fileHashes();
  return hashes.find((h) => h.path === 'tokenizer.json' || h.path.endsWith('/tokenizer.json'))?.sha256 ?? null;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A text argument: literal, or standard input for `-` (taken as is: a trailing newline is a token). */
async function textArgument(value: string): Promise<string> {
  return value === '-' ? readStdin() : value;
}

/** Options of runNgramCli beside the command line. */
export interface NgramRunOptions {
  /**
   * An engine with the model already loaded, used instead of loading --model (and left loaded):
   * for callers that run many commands on one model, such as the tests.
   */
  engine?: Engine;
}

interface LoadedModel {
  engine: Engine;
  info: ModelInfo;
  /** Unloads it when this run loaded it. */
  release(): Promise<void>;
}

async function loadEngine(args: NgramArgs, options: NgramRunOptions): Promise<LoadedModel> {
  const given = options.engine;
  if (given?.modelInfo) return { engine: given, info: given.modelInfo, release: async () => {} };
  const source = resolveModelArgument(args.model, EMBEDDED_MODELS_DIR);
  const engine = new Engine(createNodeRuntime({ allowNetwork: args.allowNetwork, hubUrl: args.hubUrl }));
  const info = await engine.load({ source, backend: 'wasm', dtype: 'auto' });
  return { engine, info, release: () => engine.unload() };
}

/** Runs `work` with the model loaded, and unloads it. */
async function withModel<T>(
  args: NgramArgs,
  options: NgramRunOptions,
  work: (engine: Engine, info: ModelInfo) => Promise<T>,
): Promise<T> {
  const loaded = await loadEngine(args, options);
  try {
    return await work(loaded.engine, loaded.info);
  } finally {
    await loaded.release();
  }
}

export async function runNgramCli(args: NgramArgs, options: NgramRunOptions = {}): Promise<unknown> {
  switch (args.ngram) {
    case 'build':
      return buildOutput(args, options);
    case 'score':
      return scoreOutput(args, options);
    default:
      return queryOutput(args, options);
  }
}

// ---------------------------------------------------------------------------------------------
// build

interface CorpusIndexFile {
  split: string;
  models: Record<string, string>;
  corpora: Record<string, TrainingSplitEntry>;
}

async function trainingSplitSource(model: string, info: ModelInfo): Promise<CorpusSourceParams> {
  const listPath = join(REPO_ROOT, 'public', 'corpus', 'index.json');
  if (!existsSync(listPath))
    throw new UsageError('public/corpus/index.json is missing: run npm run corpus-index first.');
  const list = JSON.parse(await readFile(listPath, 'utf8')) as CorpusIndexFile;
  const withSplit = Object.keys(list.models).join(', ');
  const embeddedId = info.source.kind === 'embedded' ? info.source.id : null;
  const corpus = embeddedId === null ? undefined : list.models[embeddedId];
  if (corpus === undefined) {
    throw new UsageError(
      `--training-split needs an embedded model with a training split (${withSplit}); "${model}" has none: index text files instead.`,
    );
  }
  const entry = list.corpora[corpus];
  return {
    kind: 'training-split',
    url: join(REPO_ROOT, 'public', 'corpus', entry.file),
    entry,
    label: `${embeddedId} training split (${list.split})`,
  };
}

async function textsSource(files: readonly string[]): Promise<CorpusSourceParams> {
  const texts: { name: string; text: string }[] = [];
  for (const file of files) {
    try {
      texts.push({ name: file, text: await readFile(file, 'utf8') });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === 'ENOENT'
          ? `The text file ${file} does not exist.`
          : `Cannot read ${file}: ${(error as Error).message}`,
      );
    }
  }
  // The app's limit on a corpus of one's own texts, before anything is tokenized.
  const tooLarge = bytesProblem(
    LIMITS.corpusTexts,
    texts.reduce((sum, t) => sum + utf8Length(t.text), 0),
    files.length === 1 ? 'This file' : `These ${files.length} files`,
  );
  if (tooLarge) throw new UsageError(tooLarge);
  return { kind: 'texts', texts, label: files.length === 1 ? basename(files[0]) : `${files.length} files` };
}

async function buildOutput(args: NgramArgs, options: NgramRunOptions) {
  const out = args.out!;
  const texts = args.trainingSplit ? null : await textsSource(args.inputs);
  return withModel(args, options, async (engine, info) => {
    const started = performance.now();
    const source = texts ?? (await trainingSplitSource(args.model, info));
    const store = memoryCorpusIndexStore();
    const service = new CorpusIndexService(engine, store, async (path) => new Uint8Array(await readFile(path)));
    const opened = await service.open(source);
    const record = await store.get(opened.key);
    if (!record) throw new Error(opened.storageProblem ?? 'The index was built but not kept.');
    const sidecar: NgramIndexSidecar = {
      format: 'tokenscope-ngram-index',
      version: 1,
      model: info.key,
      modelLabel: info.label,
      tokenizerSha256: await tokenizerHash(engine),
      vocabSize: info.vocabSize,
      source: args.trainingSplit ? 'training-split' : 'files',
      key: opened.key,
      documents: record.documents,
      documentCount: opened.documentCount,
      tokenCount: opened.tokenCount,
      buildMs: Math.round(opened.elapsedMs),
      indexBytes: record.bytes.byteLength,
    };
    try {
      await writeFile(out, record.bytes);
      await writeFile(`${out}.json`, `${JSON.stringify(sidecar, null, 2)}\n`);
    } catch (error) {
      throw new UsageError(`Cannot write the index to ${out}: ${(error as Error).message}`);
    }
    return {
      model: modelSummary(info),
      index: out,
      sidecar: `${out}.json`,
      source: sidecar.source,
      key: sidecar.key,
      tokenizerSha256: sidecar.tokenizerSha256,
      documentCount: sidecar.documentCount,
      tokenCount: sidecar.tokenCount,
      indexBytes: sidecar.indexBytes,
      buildMs: sidecar.buildMs,
      documents: sidecar.documents.slice(0, 10),
      documentsListed: Math.min(10, sidecar.documents.length),
      totalMs: Math.round(performance.now() - started),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Reading an index back

interface OpenedIndex {
  path: string;
  index: InfiniGramIndex;
  sidecar: NgramIndexSidecar;
}

async function readIndex(path: string): Promise<OpenedIndex> {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new UsageError(`The index file ${path} does not exist: build one with ngram build --out ${path}.`);
  const sidecarPath = `${path}.json`;
  if (!existsSync(sidecarPath))
    throw new UsageError(`${sidecarPath} is missing: ngram build writes it beside the index; build the index again.`);
  let sidecar: NgramIndexSidecar;
  try {
    sidecar = JSON.parse(await readFile(sidecarPath, 'utf8')) as NgramIndexSidecar;
  } catch (error) {
    throw new UsageError(`${sidecarPath} cannot be read: ${(error as Error).message}`);
  }
  if (sidecar?.format !== 'tokenscope-ngram-index')
    throw new UsageError(`${sidecarPath} is not an ngram index description (written by ngram build).`);
  let index: InfiniGramIndex;
  try {
    // A copy: the index's typed arrays need an aligned buffer of their own.
    index = InfiniGramIndex.fromBytes(new Uint8Array(await readFile(path)));
  } catch (error) {
    throw new UsageError(`${path} is not a usable ∞-gram index: ${(error as Error).message}`);
  }
  if (index.tokenCount !== sidecar.tokenCount)
    throw new UsageError(
      `${path} has ${index.tokenCount} tokens but ${sidecarPath} says ${sidecar.tokenCount}: they do not belong together.`,
    );
  return { path, index, sidecar };
}

/** Queries must be tokenized like the corpus was. */
async function checkTokenizer(opened: OpenedIndex, engine: Engine, info: ModelInfo): Promise<void> {
  const { sidecar, path } = opened;
  const hash = await tokenizerHash(engine);
  const same =
    sidecar.tokenizerSha256 !== null && hash !== null ? sidecar.tokenizerSha256 === hash : sidecar.model === info.key;
  if (!same || sidecar.vocabSize !== info.vocabSize) {
    throw new UsageError(
      `${path} was built with the tokenizer of ${sidecar.modelLabel}; ${info.label} tokenizes differently: pass --model ${sidecar.modelLabel}.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// count, ntd, infgram

/** Milliseconds since `started`, to the microsecond (a count query takes well under one). */
const msSince = (started: number) => Math.round((performance.now() - started) * 1000) / 1000;

async function queryOutput(args: NgramArgs, options: NgramRunOptions) {
  const opened = await readIndex(args.index!);
  const text = await textArgument(args.inputs[0]);
  const tooLong = bytesProblem(LIMITS.corpusView, utf8Length(text));
  if (tooLong) throw new UsageError(tooLong);
  return withModel(args, options, async (engine, info) => {
    await checkTokenizer(opened, engine, info);
    const { index, sidecar } = opened;
    const ids = engine.tokenize({ text }).ids;
    const view = (id: number) => engine.tokenViews([id])[0].text;
    const tokens = (list: ArrayLike<number>) => Array.from(list, view);
    const where = (locations: { documentIndex: number; tokenOffset: number }[]) =>
      locations.map((l) => ({
        document: sidecar.documents[l.documentIndex]?.title ?? null,
        documentIndex: l.documentIndex,
        tokenOffset: l.tokenOffset,
      }));
    const head = {
      model: modelSummary(info),
      index: { path: opened.path, tokenCount: index.tokenCount, documentCount: index.documentCount },
    };
    const started = performance.now();
    if (args.ngram === 'count') {
      const count = index.count(ids);
      return {
        ...head,
        text,
        tokenCount: ids.length,
        tokenIds: ids,
        tokens: tokens(ids),
        count,
        occurrences: ids.length === 0 ? [] : where(index.locate(ids, 10)),
        elapsedMs: msSince(started),
      };
    }
    const rows = (entries: { token: number; count: number; probability: number }[]) =>
      entries
        .slice(0, args.top)
        .map((e) => ({ tokenId: e.token, token: view(e.token), count: e.count, probability: e.probability }));
    if (args.ngram === 'ntd') {
      const ntd = index.nextTokenDistribution(ids);
      return {
        ...head,
        context: text,
        tokenCount: ids.length,
        tokenIds: ids,
        tokens: tokens(ids),
        contextCount: ntd.contextCount,
        distinctNextTokens: ntd.entries.length,
        endOfDocumentCount: ntd.endOfDocumentCount,
        next: rows(ntd.entries),
        elapsedMs: msSince(started),
      };
    }
    let nextId: number | undefined;
    if (args.next !== null) {
      const nextIds = engine.tokenize({ text: args.next }).ids;
      if (nextIds.length !== 1) {
        throw new UsageError(
          `--next "${args.next}" is ${nextIds.length} tokens for ${info.label} (${tokens(nextIds)
            .map((t) => JSON.stringify(t))
            .join(' ')}): give one token (mind the leading space).`,
        );
      }
      nextId = nextIds[0];
    }
    const result = index.infiniGram(ids, nextId, { distribution: true });
    const suffix = ids.slice(ids.length - result.suffixLength);
    const distribution = result.distribution!;
    return {
      ...head,
      context: text,
      tokenCount: ids.length,
      tokenIds: ids,
      tokens: tokens(ids),
      suffixLength: result.suffixLength,
      effectiveN: result.effectiveN,
      longestSuffix: tokens(suffix).join(''),
      longestSuffixTokens: tokens(suffix),
      contextCount: result.contextCount,
      sparse: result.sparse,
      distinctNextTokens: distribution.entries.length,
      endOfDocumentCount: distribution.endOfDocumentCount,
      top: rows(distribution.entries),
      next:
        nextId === undefined
          ? null
          : { tokenId: nextId, token: view(nextId), count: result.count, probability: result.probability },
      occurrences: result.suffixLength === 0 ? [] : where(index.locate(suffix, 10)),
      elapsedMs: msSince(started),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// score

/** Per-token ∞-gram columns of one text, from the local index or the API. */
interface InfiniGramColumns {
  suffixLength: ArrayLike<number>;
  probability: ArrayLike<number>;
  sparse: ArrayLike<number>;
  agrees: ArrayLike<number>;
  argmaxAgrees: ArrayLike<number>;
  /** API: positions whose argmax and sparse come from a sampled distribution. */
  approximate?: number;
}

/** Running totals over the shard, for the summary on stdout. */
class Totals {
  lines = 0;
  tokens = 0;
  agrees = 0;
  argmaxAgrees = 0;
  effectiveNSum = 0;
  readonly effectiveN = new Map<number, number>();
  modelTokens = 0;
  modelNats = 0;
  approximate = 0;

  add(columns: InfiniGramColumns): void {
    this.lines++;
    for (let i = 0; i < columns.suffixLength.length; i++) {
      const n = columns.suffixLength[i] + 1;
      this.tokens++;
      this.agrees += columns.agrees[i];
      this.argmaxAgrees += columns.argmaxAgrees[i];
      this.effectiveNSum += n;
      this.effectiveN.set(n, (this.effectiveN.get(n) ?? 0) + 1);
    }
    this.approximate += columns.approximate ?? 0;
  }

  medianEffectiveN(): number | null {
    if (this.tokens === 0) return null;
    const sorted = [...this.effectiveN].sort((a, b) => a[0] - b[0]);
    const at = (k: number) => {
      let seen = 0;
      for (const [n, count] of sorted) {
        seen += count;
        if (k < seen) return n;
      }
      return sorted[sorted.length - 1][0];
    };
    return (at((this.tokens - 1) >> 1) + at(this.tokens >> 1)) / 2;
  }
}

const mean = (values: ArrayLike<number>) => {
  if (values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
};

function median(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Perplexity exp(mean −ln p) and the summed nats. */
function perplexityOf(probabilities: readonly number[]): { perplexity: number | null; nats: number } {
  let nats = 0;
  for (const p of probabilities) nats -= Math.log(p);
  return { perplexity: probabilities.length ? Math.exp(nats / probabilities.length) : null, nats };
}

/** One JSONL input line: its id and text, or a usage error naming the line. */
function parseLine(raw: string, where: string): { id: string | number; text: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON (${(error as Error).message}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${where} is not a JSON object with "id" and "text".`);
  const { id, text } = value as { id?: unknown; text?: unknown };
  if (typeof text !== 'string') throw new UsageError(`${where} has no "text" string.`);
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id)))
    throw new UsageError(`${where} has no "id" (a string or a number).`);
  const tooLong = bytesProblem(LIMITS.corpusView, utf8Length(text), 'The text');
  if (tooLong) throw new UsageError(`${where}: ${tooLong}`);
  return { id, text };
}

interface Scorer {
  /** What the stdout summary says the ∞-gram came from. */
  backend: Record<string, unknown>;
  tokenize(text: string): number[];
  columns(ids: number[]): Promise<InfiniGramColumns>;
}

function localScorer(opened: OpenedIndex, engine: Engine): Scorer {
  return {
    backend: {
      kind: 'index',
      path: opened.path,
      tokenCount: opened.index.tokenCount,
      documentCount: opened.index.documentCount,
      model: opened.sidecar.modelLabel,
    },
    tokenize: (text) => engine.tokenize({ text }).ids,
    columns: async (ids) => {
      const s = opened.index.scoreText(ids);
      return {
        suffixLength: s.suffixLength,
        probability: s.probability,
        sparse: s.sparse,
        agrees: s.agrees,
        argmaxAgrees: s.argmaxAgrees,
      };
    },
  };
}

/** The lab tokenizer of an API index: --api-tokenizer (shipped name, tokenizer.json, or a folder), else the index's own. */
async function apiTokenizer(args: NgramArgs): Promise<{ name: string; tokenizer: ByteSpanTokenizer }> {
  let name = args.apiTokenizer;
  if (name === null) {
    const known = INFINI_GRAM_INDEXES.find((i) => i.name === args.apiIndex);
    if (!known)
      throw new UsageError(
        `"${args.apiIndex}" is not an index the infini-gram documentation lists: say which tokenizer its ids come from with --api-tokenizer <name|tokenizer.json>.`,
      );
    name = known.tokenizer;
  }
  const shipped = join(REPO_ROOT, 'public', 'tokenizers', name);
  const folder =
    existsSync(name) && statSync(name).isDirectory()
      ? name
      : !name.includes('/') && existsSync(shipped)
        ? shipped
        : null;
  const file = folder ? join(folder, 'tokenizer.json') : existsSync(name) ? name : null;
  if (!file || !existsSync(file)) {
    throw new UsageError(
      `The tokenizer "${name}" of ${args.apiIndex} is not shipped in public/tokenizers (npm run tokenizers) nor a file: pass --api-tokenizer <tokenizer.json of that tokenizer>.`,
    );
  }
  const config = join(folder ?? join(file, '..'), 'tokenizer_config.json');
  let tokenizer: ByteSpanTokenizer;
  try {
    tokenizer = ByteSpanTokenizer.fromText(
      await readFile(file, 'utf8'),
      existsSync(config) ? await readFile(config, 'utf8') : undefined,
    );
  } catch (error) {
    throw new UsageError(`${file} cannot be used as a tokenizer: ${(error as Error).message}`);
  }
  // Ids of another vocabulary would be answered, silently wrong: check a Llama 2 index's tokenizer
  // on the API documentation's example.
  if (INFINI_GRAM_INDEXES.find((i) => i.name === args.apiIndex)?.tokenizer === 'llama-2') {
    const ids = tokenizer.encode(LLAMA_2_PROBE.text);
    if (ids.join(' ') !== LLAMA_2_PROBE.ids.join(' ')) {
      throw new UsageError(
        `${args.apiIndex} holds Llama 2 token ids, but the tokenizer "${name}" encodes "${LLAMA_2_PROBE.text}" as ${ids.join(' ')}, not Llama 2's ${LLAMA_2_PROBE.ids.join(' ')}: pass --api-tokenizer <Meta's Llama 2 tokenizer.json>.`,
      );
    }
  }
  return { name, tokenizer };
}

/** The infini-gram API documentation's example: Llama 2 (Meta's tokenizer) ids of a phrase. */
const LLAMA_2_PROBE = { text: 'natural language processing', ids: [5613, 4086, 9068] };

/** `count` of `work` results at once, in order. */
async function mapPool<T>(length: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(length);
  let next = 0;
  const worker = async () => {
    while (next < length) {
      const i = next++;
      out[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, length) }, worker));
  return out;
}

function apiScorer(
  api: InfiniGramApi,
  tokenizer: { name: string; tokenizer: ByteSpanTokenizer },
  concurrency: number,
): Scorer {
  // A prob query holds the context and the token: the context keeps its last 499 ids (the API's 500).
  const room = INFINI_GRAM_LIMITS.maxQueryTokens - 1;
  const separator = INFINI_GRAM_LIMITS.documentSeparator;
  return {
    backend: { kind: 'api', endpoint: api.endpoint, index: api.index, tokenizer: tokenizer.name },
    tokenize: (text) => tokenizer.tokenizer.encode(text),
    columns: async (ids) => {
      const rows = await mapPool(ids.length, concurrency, async (i) => {
        const context = ids.slice(Math.max(0, i - room), i);
        const [prob, ntd] = await Promise.all([
          api.infiniGramProbability(context, ids[i]),
          api.infiniGramDistribution(context),
        ]);
        const tokens = ntd.tokens.filter((t) => t.tokenId !== separator);
        const argmax = tokens.length ? tokens[0].tokenId : -1;
        const probability = prob.prob ?? NaN;
        return {
          suffixLength: prob.suffixLength,
          probability,
          sparse: tokens.length === 1 && tokens[0].count === ntd.promptCount ? 1 : 0,
          agrees: probability > 0.5 ? 1 : 0,
          argmaxAgrees: argmax === ids[i] ? 1 : 0,
          approximate: ntd.approx ? 1 : 0,
        };
      });
      return {
        suffixLength: rows.map((r) => r.suffixLength),
        probability: rows.map((r) => r.probability),
        sparse: rows.map((r) => r.sparse),
        agrees: rows.map((r) => r.agrees),
        argmaxAgrees: rows.map((r) => r.argmaxAgrees),
        approximate: rows.reduce((sum, r) => sum + r.approximate, 0),
      };
    },
  };
}

/** A file's lines, streamed (a data set need not fit in memory); a leading BOM is dropped. */
async function* fileLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const reader = createInterface({ input, crlfDelay: Infinity });
  let first = true;
  try {
    for await (const line of reader) {
      yield first ? line.replace(/^\uFEFF/, '') : line;
      first = false;
    }
  } finally {
    reader.close();
    input.destroy();
  }
}

interface LineContext {
  scorer: Scorer;
  /** The model (for --with-model), and whether it reads the scorer's tokens (local index) or its own (API). */
  engine: Engine | null;
  sameTokens: boolean;
  totals: Totals;
  timings: { infiniGram: number; model: number };
}

/** The output record of one input line; everything in it is a function of the line, index and model. */
async function scoreLine(
  id: string | number,
  text: string,
  lineNumber: number,
  where: string,
  c: LineContext,
): Promise<Record<string, unknown>> {
  const ids = c.scorer.tokenize(text);
  const tooMany = tokensProblem(LIMITS.corpusView, ids.length);
  if (tooMany) throw new UsageError(`${where}: ${tooMany}`);
  const t0 = performance.now();
  let columns: InfiniGramColumns;
  try {
    columns = await c.scorer.columns(ids);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  const t1 = performance.now();
  c.timings.infiniGram += t1 - t0;
  c.totals.add(columns);
  const effectiveN = Array.from(columns.suffixLength, (l) => l + 1);
  const record: Record<string, unknown> = {
    line: lineNumber,
    id,
    tokenCount: ids.length,
    tokenIds: ids,
    suffixLength: Array.from(columns.suffixLength),
    effectiveN,
    infiniGramProbability: Array.from(columns.probability),
    sparse: Array.from(columns.sparse, Boolean),
    summary: {
      agreement: mean(columns.agrees),
      argmaxAgreement: mean(columns.argmaxAgrees),
      meanEffectiveN: mean(effectiveN),
      medianEffectiveN: median(effectiveN),
      sparseShare: mean(columns.sparse),
      ...(columns.approximate === undefined ? {} : { approximatePositions: columns.approximate }),
    },
  };
  if (c.engine) {
    const engine = c.engine;
    const modelIds = c.sameTokens ? ids : engine.tokenize({ text }).ids;
    const probability =
      modelIds.length === 0
        ? []
        : (await engine.score({ ids: [engine.startTokenId(), ...modelIds], topK: 1 })).positions.map(
            (p) => p.probability,
          );
    const { perplexity, nats } = perplexityOf(probability);
    c.totals.modelTokens += probability.length;
    c.totals.modelNats += nats;
    record.model = c.sameTokens
      ? { probability, perplexity }
      : { tokenCount: modelIds.length, tokenIds: modelIds, probability, perplexity };
    c.timings.model += performance.now() - t1;
  }
  return record;
}

async function scoreOutput(args: NgramArgs, options: NgramRunOptions) {
  const inPath = args.in!;
  const outPath = args.out!;
  if (!existsSync(inPath) || !statSync(inPath).isFile())
    throw new UsageError(`The input file ${inPath} does not exist.`);
  const opened = args.api === null ? await readIndex(args.index!) : null;
  const tokenizer = args.api === null ? null : await apiTokenizer(args);
  const loaded = opened !== null || args.withModel ? await loadEngine(args, options) : null;
  // Written beside the output and renamed at the end: a failed run leaves no partial file.
  const tmpPath = `${outPath}.partial-${process.pid}`;
  try {
    if (opened && loaded) await checkTokenizer(opened, loaded.engine, loaded.info);
    const scorer = opened
      ? localScorer(opened, loaded!.engine)
      : apiScorer(createInfiniGramApi({ endpoint: args.api!, index: args.apiIndex! }), tokenizer!, args.apiConcurrency);
    const context: LineContext = {
      scorer,
      engine: args.withModel ? loaded!.engine : null,
      sameTokens: opened !== null,
      totals: new Totals(),
      timings: { infiniGram: 0, model: 0 },
    };
    const started = performance.now();
    let lines = 0;
    let blank = 0;
    let handle;
    try {
      handle = await open(tmpPath, 'w');
    } catch (error) {
      throw new UsageError(`Cannot write ${outPath}: ${(error as Error).message}`);
    }
    try {
      for await (const raw of fileLines(inPath)) {
        const k = lines++;
        if (raw.trim() === '') {
          blank++;
          continue;
        }
        const where = `${inPath} line ${k + 1}`;
        // Every line is checked, so each shard fails on the same bad line as the whole run.
        const { id, text } = parseLine(raw, where);
        if (k % args.shard.count !== args.shard.index) continue;
        await handle.write(`${JSON.stringify(await scoreLine(id, text, k + 1, where, context))}\n`);
      }
    } finally {
      await handle.close();
    }
    await rename(tmpPath, outPath);
    const { totals, timings } = context;
    return {
      ...(loaded ? { model: modelSummary(loaded.info) } : {}),
      backend: scorer.backend,
      in: inPath,
      out: outPath,
      shard: `${args.shard.index}/${args.shard.count}`,
      inputLines: lines,
      blankLines: blank,
      scoredLines: totals.lines,
      tokens: totals.tokens,
      summary: {
        agreement: totals.tokens ? totals.agrees / totals.tokens : null,
        argmaxAgreement: totals.tokens ? totals.argmaxAgrees / totals.tokens : null,
        meanEffectiveN: totals.tokens ? totals.effectiveNSum / totals.tokens : null,
        medianEffectiveN: totals.medianEffectiveN(),
        ...(args.api === null ? {} : { approximatePositions: totals.approximate }),
        ...(args.withModel
          ? {
              modelTokens: totals.modelTokens,
              modelPerplexity: totals.modelTokens ? Math.exp(totals.modelNats / totals.modelTokens) : null,
            }
          : {}),
      },
      elapsedMs: {
        total: Math.round(performance.now() - started),
        infiniGram: Math.round(timings.infiniGram),
        ...(args.withModel ? { model: Math.round(timings.model) } : {}),
      },
    };
  } catch (error) {
    await rm(tmpPath, { force: true });
    throw error;
  } finally {
    await loaded?.release();
  }
}
