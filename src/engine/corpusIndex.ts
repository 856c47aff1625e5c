/**
 * The corpus beside the model (docs/PAPERS.md section 3, infini-gram): one ∞-gram index at a
 * time over a corpus tokenized with the loaded model's tokenizer, built in the worker from
 * the embedded model's training split (shipped as token ids) or from texts the user adds,
 * and kept in this browser's storage so each corpus is indexed once.
 *
 * The index itself (suffix array, counts, ∞-gram) is core/ngram/infiniGram.ts; this file
 * fetches, tokenizes, stores, and puts the model's numbers beside the corpus's.
 */
import { InfiniGramIndex } from '../core/ngram/infiniGram';
import { softmax, topNIndices } from '../core/distribution';
import { messageOf } from '../core/messageOf';
import { bytesProblem, LIMITS, tokensProblem } from '../core/limits';
import { utf8Length } from '../core/tokenizers/words';
import type {
  CorpusDocument,
  CorpusIndexInfo,
  CorpusPositionParams,
  CorpusPositionResult,
  CorpusProgress,
  CorpusScoreParams,
  CorpusScoreResult,
  CorpusSourceParams,
  TrainingSplitEntry,
} from '../protocol/corpus';
import { EngineError, throwIfCancelled } from './errors';
import { sha256Hex } from '../core/sha256Hex';
import type { ModelInfo } from '../protocol/model';
import type { ScoreResult, StepResult } from '../protocol/nextToken';

/** What the corpus view needs of the engine (an Engine, or a fake in tests). */
export interface CorpusModel {
  readonly modelInfo: ModelInfo | null;
  tokenize(params: { text: string }): { ids: number[] };
  startTokenId(): number;
  score(params: { ids: number[]; topK?: number }, options?: { signal?: AbortSignal }): Promise<ScoreResult>;
  step(params: { ids: number[] }, options?: { signal?: AbortSignal }): Promise<StepResult>;
}

/** Where built indexes are kept (storage/corpusIndexStore.ts: IndexedDB in the browser, memory elsewhere). */
export interface CorpusIndexStore {
  get(key: string): Promise<{ bytes: Uint8Array } | undefined>;
  put(record: {
    key: string;
    label: string;
    documents: CorpusDocument[];
    bytes: Uint8Array;
    storedAt: string;
  }): Promise<void>;
}

interface OpenIndex {
  key: string;
  /** The model whose tokenizer the index's ids are in (models that share a tokenizer share an index). */
  modelKey: string;
  label: string;
  source: CorpusSourceParams['kind'];
  index: InfiniGramIndex;
  documents: CorpusDocument[];
}

/** Tokens shown either side of a matching span in an occurrence's snippet. */
const SNIPPET_TOKENS = 12;
/** Above this many occurrences the next-token counts are taken on a sample (the paper's max_support). */
const MAX_SUPPORT = 1000;

type Options = { signal?: AbortSignal; onProgress?: (progress: CorpusProgress) => void };

export class CorpusIndexService {
  private current: OpenIndex | null = null;

  constructor(
    private readonly model: CorpusModel,
    private readonly store: CorpusIndexStore,
    private readonly fetchBytes: (
      url: string,
      onFraction: (fraction: number) => void,
      signal?: AbortSignal,
    ) => Promise<Uint8Array> = fetchWithProgress,
  ) {}

  async open(source: CorpusSourceParams, options: Options = {}): Promise<CorpusIndexInfo> {
    const info = this.requireModel();
    let documents: CorpusDocument[];
    let ids: ArrayLike<number>[] | null = null;
    let key: string;
    if (source.kind === 'training-split') {
      if (source.entry.vocabSize !== info.vocabSize) {
        throw new EngineError(
          'bad-request',
          `This training split was tokenized for a vocabulary of ${source.entry.vocabSize} tokens; ${info.label} has ${info.vocabSize}.`,
        );
      }
      documents = source.entry.documents.map((d) => ({
        title: `${d.year} · ${d.president}`,
        start: d.start,
        length: d.length,
      }));
      // The shipped file is named by its SHA-256 (checked when it is fetched): a stored index of it needs no fetch.
      key = `${info.vocabSize}:split:${source.entry.sha256}`;
    } else {
      ({ documents, ids } = await this.tokenizeTexts(source.texts, options));
      if (documents.every((d) => d.length === 0))
        throw new EngineError('bad-request', 'The corpus has no tokens: add a text or a file with some words in it.');
      // The same token ids under the same vocabulary give the same index, whichever model asks.
      key = `${info.vocabSize}:${await sha256Hex(joinIds(ids))}`;
    }
    if (this.current?.key === key) {
      this.current.modelKey = info.key;
      return { ...this.describe(this.current), fromStore: true, elapsedMs: 0, storedBytes: null, storageProblem: null };
    }

    const readStarted = performance.now();
    const stored = await this.store.get(key).catch(() => undefined);
    if (stored) {
      options.onProgress?.({ phase: 'reading', fraction: 0 });
      this.current = {
        key,
        modelKey: info.key,
        label: source.label,
        source: source.kind,
        index: InfiniGramIndex.fromBytes(stored.bytes),
        documents,
      };
      return {
        ...this.describe(this.current),
        fromStore: true,
        elapsedMs: performance.now() - readStarted,
        storedBytes: stored.bytes.byteLength,
        storageProblem: null,
      };
    }
    ids ??= await this.fetchSplit(source as CorpusSourceParams & { kind: 'training-split' }, options);
    const started = performance.now();
    throwIfCancelled(options.signal, 'Building the corpus index');
    const index = InfiniGramIndex.build(ids, {
      onProgress: (fraction) => options.onProgress?.({ phase: 'building', fraction }),
    });
    const elapsedMs = performance.now() - started;
    this.current = { key, modelKey: info.key, label: source.label, source: source.kind, index, documents };
    options.onProgress?.({ phase: 'storing', fraction: 0 });
    const bytes = index.toBytes();
    let storageProblem: string | null = null;
    try {
      await this.store.put({ key, label: source.label, documents, bytes, storedAt: new Date().toISOString() });
    } catch (error) {
      storageProblem = `The index works but was not kept in this browser (${messageOf(error)}): it is built again next time.`;
    }
    return {
      ...this.describe(this.current),
      fromStore: false,
      elapsedMs,
      storedBytes: storageProblem ? null : bytes.byteLength,
      storageProblem,
    };
  }

  /** The ∞-gram and the model at every position of a text. */
  async score({ ids }: CorpusScoreParams, options: Options = {}): Promise<CorpusScoreResult> {
    const { index } = this.requireIndex();
    if (ids.length === 0) throw new EngineError('bad-request', 'The text has no tokens.');
    const tooLong = tokensProblem(LIMITS.corpusView, ids.length);
    if (tooLong) throw new EngineError('bad-request', tooLong);
    const t0 = performance.now();
    const scored = index.scoreText(ids);
    const t1 = performance.now();
    const model = await this.model.score(
      { ids: [this.model.startTokenId(), ...ids], topK: 1 },
      { signal: options.signal },
    );
    return {
      suffixLength: Array.from(scored.suffixLength),
      infiniGramProbability: Array.from(scored.probability),
      sparse: Array.from(scored.sparse, Boolean),
      infiniGramArgmax: Array.from(scored.argmaxToken),
      modelProbability: model.positions.map((p) => p.probability),
      modelArgmax: model.positions.map((p) => p.top[0]?.tokenId ?? -1),
      matchLength: Array.from(scored.matchLength),
      elapsedMs: { infiniGram: t1 - t0, model: performance.now() - t1 },
    };
  }

  /** One position: the model's and the ∞-gram's next-token distributions, and where the matching span occurs. */
  async position(params: CorpusPositionParams, options: Options = {}): Promise<CorpusPositionResult> {
    const { index, documents } = this.requireIndex();
    const { ids, position, topK } = params;
    if (!Number.isInteger(position) || position < 0 || position > ids.length)
      throw new EngineError('bad-request', `Position ${position} is outside the text (0–${ids.length}).`);
    const context = ids.slice(0, position);
    const { logits } = await this.model.step(
      { ids: [this.model.startTokenId(), ...context] },
      { signal: options.signal },
    );
    const probabilities = softmax(logits);
    const model = Array.from(topNIndices(probabilities, topK), (id) => ({ id, probability: probabilities[id] }));

    const match = index.longestMatch(context, context.length, params.occurrences);
    const suffixLength = match.length;
    const ntd = index.nextTokenDistribution(context.slice(match.start), { maxSupport: MAX_SUPPORT });
    const occurrences =
      suffixLength === 0
        ? []
        : match.occurrences.map(({ documentIndex, tokenOffset }) => {
            const end = tokenOffset + suffixLength;
            return {
              documentIndex,
              title: documents[documentIndex].title,
              tokenOffset,
              before: Array.from(
                index.documentTokens(documentIndex, Math.max(0, tokenOffset - SNIPPET_TOKENS), tokenOffset),
              ),
              match: Array.from(index.documentTokens(documentIndex, tokenOffset, end)),
              after: Array.from(
                index.documentTokens(
                  documentIndex,
                  end,
                  Math.min(index.documentLength(documentIndex), end + SNIPPET_TOKENS),
                ),
              ),
            };
          });
    return {
      position,
      model,
      infiniGram: {
        suffixLength,
        contextCount: ntd.contextCount,
        entries: ntd.entries.slice(0, topK).map((e) => ({ id: e.token, count: e.count, probability: e.probability })),
        endOfDocumentCount: ntd.endOfDocumentCount,
        approximate: ntd.approximate,
      },
      span: {
        start: match.start,
        length: suffixLength,
        totalOccurrences: suffixLength === 0 ? 0 : match.count,
        occurrences,
      },
    };
  }

  private describe(
    open: OpenIndex,
  ): Omit<CorpusIndexInfo, 'fromStore' | 'elapsedMs' | 'storedBytes' | 'storageProblem'> {
    return {
      key: open.key,
      label: open.label,
      source: open.source,
      documentCount: open.documents.length,
      tokenCount: open.index.tokenCount,
    };
  }

  private requireModel(): ModelInfo {
    const info = this.model.modelInfo;
    if (!info) throw new EngineError('no-model', 'No model is loaded yet.');
    return info;
  }

  private requireIndex(): OpenIndex {
    const info = this.requireModel();
    if (!this.current)
      throw new EngineError('bad-request', 'No corpus is open: choose the training split or add texts first.');
    // Two models may have the same vocabulary size and different tokenizers (sotu-gpt and sotu-llama): ids would be read wrongly.
    if (this.current.modelKey !== info.key)
      throw new EngineError(
        'bad-request',
        `The open corpus was tokenized for another model than ${info.label}: open it again for this model.`,
      );
    return this.current;
  }

  /** The training split's token ids, fetched and checked against corpus/index.json. */
  private async fetchSplit(
    { url, entry }: { url: string; entry: TrainingSplitEntry },
    options: Options,
  ): Promise<ArrayLike<number>[]> {
    const bytes = await this.fetchBytes(
      url,
      (fraction) => options.onProgress?.({ phase: 'fetching', fraction }),
      options.signal,
    );
    if ((await sha256Hex(bytes)) !== entry.sha256)
      throw new EngineError(
        'model-file-invalid',
        `${entry.file} does not match its SHA-256 in corpus/index.json: rebuild it with \`npm run corpus-index\`.`,
      );
    if (bytes.byteLength !== entry.tokens * entry.bytesPerId)
      throw new EngineError(
        'model-file-invalid',
        `${entry.file} has ${bytes.byteLength} bytes; corpus/index.json expects ${entry.tokens * entry.bytesPerId}.`,
      );
    const all = entry.bytesPerId === 1 ? bytes : new Uint16Array(bytes.buffer, bytes.byteOffset, entry.tokens);
    return entry.documents.map((d) => all.subarray(d.start, d.start + d.length));
  }

  private async tokenizeTexts(
    texts: { name: string; text: string }[],
    options: Options,
  ): Promise<{ documents: CorpusDocument[]; ids: ArrayLike<number>[] }> {
    const tooLarge = bytesProblem(
      LIMITS.corpusTexts,
      texts.reduce((sum, t) => sum + utf8Length(t.text), 0),
      'This corpus',
    );
    if (tooLarge) throw new EngineError('bad-request', tooLarge);
    const ids: number[][] = [];
    const documents: CorpusDocument[] = [];
    let start = 0;
    for (const [i, { name, text }] of texts.entries()) {
      throwIfCancelled(options.signal, 'Tokenizing the corpus');
      options.onProgress?.({ phase: 'tokenizing', fraction: i / texts.length });
      const encoded = this.model.tokenize({ text }).ids;
      ids.push(encoded);
      documents.push({ title: name, start, length: encoded.length });
      start += encoded.length;
      await yieldToEvents(); // let a cancel in
    }
    return { documents, ids };
  }
}

/** Every document's ids with its length, as bytes: what the index key hashes. */
function joinIds(documents: ArrayLike<number>[]): Uint8Array {
  const total = documents.reduce((sum, d) => sum + d.length + 1, 0);
  const joined = new Uint32Array(total);
  let at = 0;
  for (const d of documents) {
    joined[at++] = 0x80000000 + d.length;
    for (let i = 0; i < d.length; i++) joined[at++] = d[i];
  }
  return new Uint8Array(joined.buffer);
}

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function fetchWithProgress(
  url: string,
  onFraction: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    throwIfCancelled(signal, 'Fetching the corpus');
    throw new EngineError('network', `${url} could not be fetched: ${messageOf(error)}`);
  }
  if (!response.ok || !response.body)
    throw new EngineError('network', `${url} could not be fetched (HTTP ${response.status}).`);
  const total = Number(response.headers.get('content-length')) || 0;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    if (total > 0) onFraction(received / total);
  }
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
