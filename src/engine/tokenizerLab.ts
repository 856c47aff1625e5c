/**
 * The tokenizer lab's worker side: the shipped tokenizers (public/tokenizers/, listed in
 * index.json) and the loaded model's own tokenizer, each built lazily on first use and kept;
 * the same text through each of them with byte offsets and metrics, the parity set, and
 * CharBench character positions. A plain class: the worker wraps it behind the protocol,
 * tests give it files from disk.
 */
import { charPositionsOfWord } from '../core/tokenizers/charPositions';
import { ByteSpanTokenizer } from './byteSpanTokenizer';
import { type TokenSpan } from '../core/tokenizers/tokenSpans';
import { parseTokenizerManifest, type TokenizerManifestEntry } from '../core/tokenizers/manifest';

import { tokenizationMetrics } from '../core/tokenizers/metrics';
import { tokenParity, type LanguageParity } from '../core/tokenizers/parity';

import { describeTokenizerJson, type TokenizerJson } from '../core/tokenizers/tokenizerJson';
import { BPE_DIGEST_FILE } from '../core/tokenizers/bpeDigest';

import { utf8Length } from '../core/tokenizers/words';

import { cancelledError, EngineError } from './errors';
import { yieldToEventLoop } from '../core/yieldToEventLoop';

import { isHubModelId } from '../protocol/modelSources';

import { bytesProblem, LIMITS } from '../core/limits';

import { LAB_DEFAULT_DISPLAY_BYTES, MODEL_TOKENIZER_ID } from '../protocol/tokenizerLab';

import { messageOf } from '../core/messageOf';

import type {
  LabCharRow,
  LabParityRow,
  LabProgress,
  LabRow,
  LabRowBase,
  LabRowError,
  LabToken,
  LabTokenizeParams,
  LabTokenizeResult,
  LabTokenizerInfo,
  LabTokenizerSource,
} from '../protocol/tokenizerLab';

/** Digit runs listed per row (the counts cover them all). */
const MAX_LISTED_DIGIT_RUNS = 50;

/** Where the shipped tokenizer files come from: HTTP in the worker, the disk in tests. */
export interface TokenizerFiles {
  /** The text of a file under the tokenizers folder (`index.json`, `gpt2/tokenizer.json`), or null when it does not exist. */
  read(path: string, signal?: AbortSignal): Promise<string | null>;
  /** Where a path is looked for, for messages (a URL or a file path). */
  where(path: string): string;
}

/** The loaded model's tokenizer files, parsed. */
export interface ModelTokenizerFiles {
  /** The model's key (`embedded:sotu-gpt`): a new key means a new tokenizer. */
  key: string;
  label: string;
  tokenizerJson: unknown;
  tokenizerConfig: unknown;
}

export interface LabCallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: LabProgress) => void;
}

function toLabToken(token: TokenSpan): LabToken {
  return {
    id: token.id,
    start: token.start,
    end: token.end,
    text: token.text,
    special: token.special,
    byteFallback: token.byteFallback,
  };
}

/** A shipped tokenizer's files as fetched: the one it is built from (`main`) and its config. */
interface ShippedFiles {
  entry: TokenizerManifestEntry;
  main: string;
  text: string;
  config: string | undefined;
}

/** A tokenizer that could not be loaded, naming the file. */
class TokenizerLoadError extends Error {
  constructor(
    message: string,
    readonly file: string | null,
  ) {
    super(message);
  }
}

export class TokenizerLab {
  private manifestEntries: Promise<TokenizerManifestEntry[]> | null = null;
  /** Shipped tokenizers loaded or being loaded; `built` holds those whose load finished. */
  private readonly shipped = new Map<string, Promise<ByteSpanTokenizer>>();
  private readonly built = new Set<string>();
  private model: { key: string; tokenizer: ByteSpanTokenizer } | null = null;
  private readonly parityCache = new Map<string, LanguageParity[]>();
  /** Tokenizers the user added (row ids `file:<name>`, `hub:<id>`), in the order added. */
  private readonly added = new Map<string, { info: LabTokenizerInfo; tokenizer: ByteSpanTokenizer }>();

  constructor(
    private readonly files: TokenizerFiles,
    private readonly modelFiles: () => ModelTokenizerFiles | null,
  ) {}

  /** The tokenizers the lab offers: the loaded model's first (when one is loaded), then index.json's. */
  async list(): Promise<LabTokenizerInfo[]> {
    const out: LabTokenizerInfo[] = [];
    const model = this.modelFiles();
    if (model) {
      const description = describeTokenizerJson(model.tokenizerJson as TokenizerJson);
      out.push({
        id: MODEL_TOKENIZER_ID,
        label: `${model.label} (loaded model)`,
        algorithm: description.algorithm,
        vocabularySize: description.vocabularySize,
        downloadBytes: 0,
        ready: true,
        kind: 'model',
        source: `the tokenizer of ${model.label}`,
      });
    }
    for (const entry of await this.manifest()) {
      out.push({
        id: entry.id,
        label: entry.label,
        algorithm: entry.algorithm,
        vocabularySize: entry.vocabularySize,
        downloadBytes: [shippedFile(entry), 'tokenizer_config.json'].reduce(
          (sum, name) => sum + (entry.files[name] ?? 0),
          0,
        ),
        ready: this.built.has(entry.id),
        kind: 'shipped',
        source: `${entry.source.package} ${entry.source.version} (${entry.source.licence}); vocabulary: ${entry.source.upstream}`,
      });
    }
    for (const { info } of this.added.values()) out.push(info);
    return out;
  }

  /**
   * Adds a tokenizer from a local file or a Hub id and returns its entry (row id `file:<name>`
   * or `hub:<id>`). Throws with the reason when the files are missing or unusable.
   */
  async add(
    source: LabTokenizerSource,
    fetchFolder: (folderUrl: string) => TokenizerFiles = hubTokenizerFiles,
  ): Promise<LabTokenizerInfo> {
    let json: string;
    let config: string | undefined;
    let id: string;
    let label: string;
    let where: string;
    if (source.kind === 'file') {
      id = `file:${source.name}`;
      label = source.name;
      where = `the file ${source.name}`;
      json = source.tokenizerJson;
      config = source.tokenizerConfig;
    } else {
      if (!isHubModelId(source.id))
        throw new EngineError('bad-request', `"${source.id}" is not a Hub model id (org/name).`);
      id = `hub:${source.id}`;
      label = source.id;
      const folder = new URL(`${source.id}/resolve/main/`, source.host.endsWith('/') ? source.host : `${source.host}/`)
        .href;
      const files = fetchFolder(folder);
      where = files.where('tokenizer.json');
      let text: string | null;
      try {
        text = await files.read('tokenizer.json');
        config = (await files.read('tokenizer_config.json')) ?? undefined;
      } catch (error) {
        throw new EngineError(
          'network',
          `${source.id}: tokenizer.json could not be fetched from ${where} (${messageOf(error)}).`,
          'tokenizer.json',
        );
      }
      if (text === null)
        throw new EngineError(
          'model-file-missing',
          `${source.id} has no tokenizer.json (looked at ${where}).`,
          'tokenizer.json',
        );
      json = text;
    }
    let tokenizer: ByteSpanTokenizer;
    try {
      tokenizer = ByteSpanTokenizer.fromText(json, config);
    } catch (error) {
      throw new EngineError(
        'model-file-invalid',
        `${label}: tokenizer.json cannot be used (${where}): ${messageOf(error)}`,
        'tokenizer.json',
      );
    }
    const info: LabTokenizerInfo = {
      id,
      label,
      algorithm: tokenizer.description.algorithm,
      vocabularySize: tokenizer.description.vocabularySize,
      downloadBytes: 0,
      ready: true,
      kind: 'added',
      source: source.kind === 'file' ? `a file from this device (${source.name})` : `the Hub (${where})`,
    };
    this.added.set(id, { info, tokenizer });
    this.parityCache.delete(id);
    return info;
  }

  /** The same text through every tokenizer asked for, one row each; a tokenizer that fails gives an error row. */
  async tokenize(params: LabTokenizeParams, options: LabCallOptions = {}): Promise<LabTokenizeResult> {
    const textBytes = utf8Length(params.text);
    const tooLong = bytesProblem(LIMITS.tokenizerLab, textBytes);
    if (tooLong) throw new EngineError('bad-request', tooLong);
    const shownBytes = Math.min(textBytes, params.displayBytes ?? LAB_DEFAULT_DISPLAY_BYTES);
    const rows = await this.eachTokenizer(params.tokenizerIds, options, (tokenizer, base): LabRow => {
      const started = performance.now();
      const tokenization = tokenizer.tokenize(params.text);
      const metrics = tokenizationMetrics(params.text, tokenization.tokens);
      metrics.numbers.runs = metrics.numbers.runs.slice(0, MAX_LISTED_DIGIT_RUNS);
      const shown: LabToken[] = [];
      for (const token of tokenization.tokens) {
        if (token.start >= shownBytes && shownBytes < textBytes) break;
        shown.push(toLabToken(token));
      }
      return {
        ...base,
        status: 'ok',
        algorithm: tokenizer.description.algorithm,
        tokens: shown,
        tokenCount: tokenization.tokens.length,
        alignment: tokenization.alignment,
        metrics,
        elapsedMs: performance.now() - started,
      };
    });
    return { rows, textBytes, shownBytes };
  }

  /** Tokens per language of the parallel set relative to English, per tokenizer. */
  async parity(tokenizerIds: string[], options: LabCallOptions = {}): Promise<LabParityRow[]> {
    return this.eachTokenizer(tokenizerIds, options, (tokenizer, base, cacheKey) => {
      let languages = this.parityCache.get(cacheKey);
      if (!languages) {
        languages = tokenParity((sentence) => tokenizer.encode(sentence).length);
        this.parityCache.set(cacheKey, languages);
      }
      return { ...base, status: 'ok', languages };
    });
  }

  /** CharBench: each character of the word (after a space) with its token's length and its offset there. */
  async charPositions(tokenizerIds: string[], word: string, options: LabCallOptions = {}): Promise<LabCharRow[]> {
    if ([...word].length > 64)
      throw new EngineError('bad-request', 'The character-position view takes a word of at most 64 characters.');
    return this.eachTokenizer(tokenizerIds, options, (tokenizer, base) => {
      let tokens: TokenSpan[] = [];
      const positions = charPositionsOfWord((text) => {
        const tokenization = tokenizer.tokenize(text);
        tokens = tokenization.tokens;
        return tokenization;
      }, word);
      return { ...base, status: 'ok', positions, tokens: tokens.map(toLabToken) };
    });
  }

  /**
   * Runs `work` on each tokenizer, yielding between tokenizers so the worker's heartbeat and
   * cancel requests get through. Every tokenizer starts loading at once, so downloads run while
   * others are built, and each is worked on as soon as it is ready (the small ones first, as
   * their files come first); the rows come back in the order of `ids`. Failures become error rows.
   */
  private async eachTokenizer<R extends { tokenizerId: string }>(
    ids: readonly string[],
    options: LabCallOptions,
    work: (tokenizer: ByteSpanTokenizer, base: LabRowBase, cacheKey: string) => R | LabRowError,
  ): Promise<(R | LabRowError)[]> {
    const labels = await Promise.all(ids.map((id) => this.labelOf(id)));
    const rows: (R | LabRowError)[] = new Array(ids.length);
    const total = ids.length;
    let done = 0;
    const loads = new Map(
      ids.map((id, index) => [
        index,
        this.tokenizer(id).then(
          (loaded) => ({ index, loaded, error: null }),
          (error: unknown) => ({ index, loaded: null, error }),
        ),
      ]),
    );
    while (loads.size > 0) {
      const waiting = [...loads.keys()];
      if (!waiting.some((index) => this.isInMemory(ids[index]))) {
        const [first] = waiting;
        options.onProgress?.({ phase: 'loading', tokenizerId: ids[first], label: labels[first], done, total });
      }
      const { index, loaded, error } = await Promise.race(loads.values());
      loads.delete(index);
      const base: LabRowBase = { tokenizerId: ids[index], label: labels[index] };
      let row: R | LabRowError;
      try {
        if (options.signal?.aborted) throw cancelledError('The tokenizer lab request');
        if (!loaded) throw error;
        options.onProgress?.({ phase: 'tokenizing', ...base, done, total });
        await yieldToEventLoop();
        if (options.signal?.aborted) throw cancelledError('The tokenizer lab request');
        row = work(loaded.tokenizer, base, loaded.cacheKey);
      } catch (error) {
        if (options.signal?.aborted || (error instanceof EngineError && error.code === 'cancelled'))
          throw cancelledError('The tokenizer lab request');
        row = {
          ...base,
          status: 'error',
          message: messageOf(error),
          file: error instanceof TokenizerLoadError ? error.file : null,
        };
      }
      rows[index] = row;
      done += 1;
      options.onProgress?.({ phase: 'tokenizing', ...base, done, total, row: row as LabRow });
      await yieldToEventLoop();
    }
    return rows;
  }

  /** The loaded model's tokenizer as a lab tokenizer, built once per model. */
  modelTokenizer(): ByteSpanTokenizer {
    const files = this.modelFiles();
    if (!files) throw new TokenizerLoadError('No model is loaded, so there is no model tokenizer to show.', null);
    if (this.model?.key !== files.key) {
      try {
        this.model = {
          key: files.key,
          tokenizer: ByteSpanTokenizer.fromJson(files.tokenizerJson, files.tokenizerConfig),
        };
      } catch (error) {
        throw new TokenizerLoadError(
          `${files.label}: its tokenizer.json cannot be used in the lab: ${messageOf(error)}`,
          'tokenizer.json',
        );
      }
    }
    return this.model.tokenizer;
  }

  /** Built (a shipped tokenizer whose load finished), or built at once when asked (the model's, an added one). */
  private isInMemory(id: string): boolean {
    return id === MODEL_TOKENIZER_ID || this.built.has(id) || this.added.has(id);
  }

  private async labelOf(id: string): Promise<string> {
    if (id === MODEL_TOKENIZER_ID) {
      const model = this.modelFiles();
      return model ? `${model.label} (loaded model)` : 'the loaded model';
    }
    const added = this.added.get(id);
    if (added) return added.info.label;
    try {
      return (await this.manifest()).find((entry) => entry.id === id)?.label ?? id;
    } catch {
      return id;
    }
  }

  private manifest(): Promise<TokenizerManifestEntry[]> {
    this.manifestEntries ??= (async () => {
      const text = await this.files.read('index.json');
      if (text === null) {
        throw new TokenizerLoadError(
          `The tokenizer list tokenizers/index.json is missing (looked at ${this.files.where('index.json')}); run npm run tokenizers.`,
          'tokenizers/index.json',
        );
      }
      try {
        return parseTokenizerManifest(JSON.parse(text)).tokenizers;
      } catch (error) {
        throw new TokenizerLoadError(
          `The tokenizer list tokenizers/index.json cannot be read: ${messageOf(error)}`,
          'tokenizers/index.json',
        );
      }
    })();
    this.manifestEntries.catch(() => {
      this.manifestEntries = null;
    });
    return this.manifestEntries;
  }

  /** A tokenizer of the lab by id (shipped, added, or the loaded model's), loaded once and shared. */
  async tokenizerById(id: string): Promise<ByteSpanTokenizer> {
    return (await this.tokenizer(id)).tokenizer;
  }

  private async tokenizer(id: string): Promise<{ tokenizer: ByteSpanTokenizer; cacheKey: string }> {
    if (id === MODEL_TOKENIZER_ID) {
      const tokenizer = this.modelTokenizer();
      return { tokenizer, cacheKey: `model:${this.model!.key}` };
    }
    const added = this.added.get(id);
    if (added) return { tokenizer: added.tokenizer, cacheKey: id };
    let pending = this.shipped.get(id);
    if (!pending) {
      // NOTE: not tied to this request's signal: another request may be waiting for the same tokenizer.
      pending = this.loadShipped(id);
      this.shipped.set(id, pending);
      pending.then(
        () => this.built.add(id),
        () => this.shipped.delete(id),
      );
    }
    return { tokenizer: await pending, cacheKey: id };
  }

  private async loadShipped(id: string): Promise<ByteSpanTokenizer> {
    const { entry, main, text, config } = await this.fetchShipped(id);
    try {
      return main === BPE_DIGEST_FILE
        ? ByteSpanTokenizer.fromDigest(text, config)
        : ByteSpanTokenizer.fromText(text, config);
    } catch (error) {
      throw new TokenizerLoadError(
        `${entry.label}: tokenizers/${id}/${main} cannot be used: ${messageOf(error)}`,
        `tokenizers/${id}/${main}`,
      );
    }
  }

  private async fetchShipped(id: string): Promise<ShippedFiles> {
    const entry = (await this.manifest()).find((e) => e.id === id);
    if (!entry)
      throw new TokenizerLoadError(`There is no tokenizer "${id}" in tokenizers/index.json.`, 'tokenizers/index.json');
    const read = async (name: string, required: boolean): Promise<string | undefined> => {
      const path = `${id}/${name}`;
      let text: string | null;
      try {
        text = await this.files.read(path);
      } catch (error) {
        throw new TokenizerLoadError(
          `${entry.label}: tokenizers/${path} could not be fetched (${messageOf(error)}).`,
          `tokenizers/${path}`,
        );
      }
      if (text === null && required)
        throw new TokenizerLoadError(
          `${entry.label}: tokenizers/${path} is missing (looked at ${this.files.where(path)}).`,
          `tokenizers/${path}`,
        );
      return text ?? undefined;
    };
    const main = shippedFile(entry);
    // Both files at once: the config is small, but a second round trip is not.
    const [text, config] = await Promise.all([read(main, true), read('tokenizer_config.json', false)]);
    return { entry, main, text: text!, config };
  }
}

/**
 * The file the lab builds a shipped tokenizer from (with tokenizer_config.json): its digest when
 * npm run tokenizers wrote one (the same tokenizer, built several times faster), else tokenizer.json.
 */
function shippedFile(entry: TokenizerManifestEntry): string {
  return BPE_DIGEST_FILE in entry.files ? BPE_DIGEST_FILE : 'tokenizer.json';
}

/**
 * Tokenizer files over HTTP. A missing file is a 404 or, behind the app's single-page-app
 * fallback, an HTML page: both read as missing. A Hub answers a missing file with 404, so
 * from a Hub host (`htmlPageMeansMissing: false`) an HTML page is an error that says so.
 */
export function httpTokenizerFiles(folderUrl: string, { htmlPageMeansMissing = true } = {}): TokenizerFiles {
  const urlOf = (path: string) => new URL(path, folderUrl).href;
  return {
    where: urlOf,
    async read(path, signal) {
      const response = await fetch(urlOf(path), { signal, cache: 'no-cache' });
      const isHtmlPage = (response.headers.get('content-type') ?? '').includes('text/html');
      if (response.status === 404 || response.status === 410 || (isHtmlPage && htmlPageMeansMissing)) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok || isHtmlPage) {
        await response.body?.cancel();
        throw new Error(
          isHtmlPage
            ? `the host answered an HTML page instead of ${path}; a captive portal, a login page or a wrong Hub host answers this way`
            : `HTTP ${response.status}`,
        );
      }
      return response.text();
    },
  };
}

function hubTokenizerFiles(folderUrl: string): TokenizerFiles {
  return httpTokenizerFiles(folderUrl, { htmlPageMeansMissing: false });
}
