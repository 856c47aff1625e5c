/**
 * The engine: one loaded model at a time, and the operations the app and the CLI run on it.
 * A plain class with no worker or DOM code: the worker wraps it behind the protocol, the CLI
 * calls it directly, tests construct it with a Node runtime.
 */
import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';
import { EngineError, cancelledError, throwIfCancelled } from './errors';
import type { ModelFileProvider } from './files/fileProvider';
import { externalDataFrom, KeySpace } from './keySpace';
import { forwardAll, scoreSequence, StepCache, windowTokensFor, type RunnableModel } from './inference';
import { loadModel, openModelWithOnnx } from './loadModel';
import { LazyFileHashes } from './fileHashes';
import { exclusiveOnnxRuntime } from './onnxRuntimeQueue';
import { withGraphOutputs } from '../core/onnx/graphOutputs';
import { TextAnalyzer } from './textAnalysis';
import { BigramAnalyzer } from './bigramAnalysis';
import { readModelInternals } from './modelInternals';
import { contextLengthOf, firstTokenId } from './modelConfig';
import type { ModelTokenizerFiles } from './tokenizerLab';
import { Vocabulary } from './vocabulary';
import type {
  AnalyzeParams,
  AnalyzeReply,
  RowParams,
  RowResult,
  ForwardParams,
  ForwardResult,
  ScoreParams,
  ScoreResult,
  StepParams,
  StepResult,
  TokenView,
  TokenizeParams,
  TokenizeResult,
  VocabularyResult,
  WindowProgress,
} from '../protocol/nextToken';
import type {
  BackendChoice,
  BackendPreference,
  BackendReport,
  FileHashesParams,
  LoadParams,
  LoadProgress,
  ModelFileHash,
  ModelInfo,
  ModelSource,
} from '../protocol/model';
import { decodeExactly } from './exactDecode';

/** What differs between the browser worker and Node. */
export interface EngineRuntime {
  /** With `adapter: false`, only what choosing WASM needs (threads): no WebGPU adapter is asked for. */
  probeBackend(options?: { adapter?: boolean }): Promise<BackendReport>;
  chooseBackend(report: BackendReport, preference: BackendPreference): BackendChoice;
  /** Called once, before the first session: set threads and wasm paths. */
  prepare(choice: BackendChoice): void;
  resolveSource(source: ModelSource): ResolvedSource;
}

export interface ResolvedSource {
  provider: ModelFileProvider;
  key: string;
  label: string;
  availablePaths?: readonly string[];
}

interface ActiveModel {
  info: ModelInfo;
  model: PreTrainedModel;
  tokenizer: PreTrainedTokenizer;
  vocabulary: Vocabulary;
  runnable: RunnableModel;
  stepCache: StepCache;
  analyzer: TextAnalyzer;
  /** The tokenizer files as parsed, for the tokenizer lab's "loaded model" row. */
  tokenizerFiles: ModelTokenizerFiles;
  /** The key space (unembedding neighbours, keySim, map), read from the loaded ONNX bytes on first use. */
  keySpace: KeySpace;
  /** The bigram and layer views (engine/bigramAnalysis.ts). */
  bigram: BigramAnalyzer;
  /** SHA-256 of every file loaded, computed on the first ask. */
  fileHashes: LazyFileHashes;
}

export interface CallOptions<P = never> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
}

export interface EngineOptions {
  /**
   * Render every token's display text while the model file downloads, for an engine whose
   * caller asks for the whole vocabulary right after each load (the page's lab does).
   */
  renderVocabularyEarly?: boolean;
}

export class Engine {
  private active: ActiveModel | null = null;
  private report: BackendReport | null = null;
  private loadController: AbortController | null = null;
  /**
   * For ModelInfo.loadId: this engine's own prefix (a restarted worker's engine counts from 1 again,
   * and a stale id must not name its loads) and a count of its loads.
   */
  private readonly loadIdPrefix = Math.random().toString(36).slice(2);
  private loadCount = 0;

  constructor(
    private readonly runtime: EngineRuntime,
    private readonly options: EngineOptions = {},
  ) {}

  async probe(): Promise<BackendReport> {
    this.report ??= await this.runtime.probeBackend();
    return this.report;
  }

  get modelInfo(): ModelInfo | null {
    return this.active?.info ?? null;
  }

  /**
   * Loads a model. The previous model keeps serving requests until the new one is ready,
   * and stays loaded if the new one fails. A newer load cancels an unfinished older one.
   */
  async load(params: LoadParams, options: CallOptions<LoadProgress> = {}): Promise<ModelInfo> {
    this.loadController?.abort();
    const controller = new AbortController();
    this.loadController = controller;
    const forward = () => controller.abort();
    if (options.signal?.aborted) controller.abort();
    options.signal?.addEventListener('abort', forward);
    try {
      const started = performance.now();
      // Choosing WASM needs no WebGPU adapter: such a load does not wait for requestAdapter(),
      // slow while the browser starts its GPU process, as on a page's first load.
      const report =
        params.backend === 'wasm'
          ? (this.report ?? (await this.runtime.probeBackend({ adapter: false })))
          : await this.probe();
      const choice = this.runtime.chooseBackend(report, params.backend);
      this.runtime.prepare(choice);
      const resolved = this.runtime.resolveSource(params.source);
      let vocabulary: Vocabulary | null = null;
      const loaded = await loadModel({
        provider: resolved.provider,
        label: resolved.label,
        backend: choice.backend,
        dtype: params.dtype,
        modelFileName: params.modelFileName,
        availablePaths: resolved.availablePaths,
        signal: controller.signal,
        onProgress: options.onProgress,
        onTokenizer: (tokenizer, files) => {
          vocabulary = new Vocabulary(
            tokenizer,
            files.tokenizerJson,
            files.config.vocab_size ?? tokenizer.get_vocab().size,
          );
          if (this.options.renderVocabularyEarly) vocabulary.all();
        },
      });
      const contextTokens = contextLengthOf(loaded.config);
      const vocabSize = loaded.config.vocab_size ?? loaded.tokenizer.get_vocab().size;
      const runnable: RunnableModel = { model: loaded.model, contextTokens, vocabSize };
      const supportsPast =
        loaded.model.sessions.model?.inputNames.some((name: string) => name.startsWith('past_key_values.')) ?? false;
      const stepCache = new StepCache(runnable, supportsPast);
      // Warm-up: proves the session runs on this backend before the old model is dropped.
      await stepCache.step([firstTokenId(loaded.config.bos_token_id) ?? 0], false).catch((error: unknown) => {
        throw new EngineError(
          'model-file-invalid',
          `${resolved.label}: ${loaded.modelFile} loaded but could not run on ${choice.backend}: ${error instanceof Error ? error.message : String(error)}`,
          loaded.modelFile,
        );
      });
      if (controller.signal.aborted) {
        await exclusiveOnnxRuntime(() => loaded.model.dispose());
        throw cancelledError(`Loading ${resolved.label}`);
      }
      const source =
        params.source.kind === 'folder' ? { kind: 'folder' as const, name: params.source.name } : params.source;
      const info: ModelInfo = {
        key: resolved.key,
        label: resolved.label,
        source,
        backend: choice.backend,
        threads: choice.threads,
        webgpuNotUsedReason: choice.webgpuNotUsedReason,
        dtype: loaded.dtype,
        modelFile: loaded.modelFile,
        modelType: loaded.config.model_type,
        vocabSize,
        contextTokens,
        layerCount: loaded.config.n_layer ?? loaded.config.num_hidden_layers ?? null,
        hiddenSize: loaded.config.n_embd ?? loaded.config.hidden_size ?? null,
        byteScheme: 'plain',
        bosTokenId: firstTokenId(loaded.config.bos_token_id),
        eosTokenId: firstTokenId(loaded.config.eos_token_id),
        downloadedBytes: loaded.downloadedBytes,
        loadMs: 0,
        loadId: `${this.loadIdPrefix}-${++this.loadCount}`,
        files: [...loaded.files.keys()].sort(),
      };
      vocabulary ??= new Vocabulary(loaded.tokenizer, loaded.tokenizerJson, vocabSize);
      info.byteScheme = vocabulary.byteScheme;
      info.loadMs = performance.now() - started;
      const previous = this.active;
      const startTokenId = info.bosTokenId ?? info.eosTokenId ?? 0;
      const analyzer = new TextAnalyzer(runnable, stepCache, startTokenId);
      const tokenizerFiles: ModelTokenizerFiles = {
        key: info.key,
        label: info.label,
        tokenizerJson: loaded.tokenizerJson,
        tokenizerConfig: loaded.tokenizerConfig,
      };
      // NOTE: holds the ONNX bytes (the whole model file) until the key space is first used.
      const keySpace = new KeySpace({ label: info.label, modelFile: loaded.modelFile, files: loaded.files });
      const onnxBytes = loaded.files.get(loaded.modelFile);
      const outputNames: string[] = loaded.model.sessions.model?.outputNames ?? [];
      // For a graph without hidden_states outputs, the layer views open the model again from a
      // copy whose graph outputs the residual stream values found by name (modelInternals.ts).
      const openWithOutputs = async (names: readonly string[]): Promise<RunnableModel> => {
        if (!onnxBytes)
          throw new EngineError(
            'unsupported-model',
            "The model's ONNX file is not at hand to add the residual stream outputs.",
          );
        const model = await openModelWithOnnx(
          loaded,
          choice.backend,
          resolved.label,
          withGraphOutputs(onnxBytes, names),
        );
        return { ...runnable, model };
      };
      const bigram = new BigramAnalyzer(
        runnable,
        startTokenId,
        () => readModelInternals(onnxBytes, loaded.config, outputNames, { externalData: externalDataFrom(loaded) }),
        (text) => loaded.tokenizer.encode(text, { add_special_tokens: false }),
        openWithOutputs,
      );
      this.active = {
        info,
        model: loaded.model,
        tokenizer: loaded.tokenizer,
        vocabulary,
        runnable,
        stepCache,
        analyzer,
        tokenizerFiles,
        keySpace,
        bigram,
        fileHashes: new LazyFileHashes(loaded.files),
      };
      if (previous) await disposeActive(previous);
      return info;
    } finally {
      options.signal?.removeEventListener('abort', forward);
      if (this.loadController === controller) this.loadController = null;
    }
  }

  async unload(): Promise<void> {
    const previous = this.active;
    this.active = null;
    if (previous) await disposeActive(previous);
  }

  private require(): ActiveModel {
    if (!this.active) throw new EngineError('no-model', 'No model is loaded yet.');
    return this.active;
  }

  tokenize(params: TokenizeParams): TokenizeResult {
    const active = this.require();
    const ids = active.tokenizer.encode(params.text, { add_special_tokens: params.addSpecialTokens ?? false });
    return { ids, tokens: ids.map((id) => active.vocabulary.view(id)) };
  }

  /** The text of token ids, exactly (decodeExactly), for building prompts from tokens. */
  decode(ids: readonly number[]): string {
    return decodeExactly(this.require().tokenizer, ids);
  }

  /** Byte-exact views of arbitrary token ids (for candidates that are not in the text). */
  tokenViews(ids: readonly number[]): TokenView[] {
    const { vocabulary } = this.require();
    return ids.map((id) => vocabulary.view(id));
  }

  vocabulary(): VocabularyResult {
    return this.require().vocabulary.all();
  }

  /**
   * SHA-256 of every file of the loaded model, sorted by path: computed on the first ask, then kept.
   * With a loadId, fails unless that load's model is the one loaded (never another model's hashes).
   */
  async fileHashes(params: Partial<FileHashesParams> = {}): Promise<ModelFileHash[]> {
    const active = this.require();
    if (params.loadId !== undefined && params.loadId !== active.info.loadId)
      throw new EngineError('no-model', 'The model these file hashes were asked for is no longer loaded.');
    return active.fileHashes.get();
  }

  async forward(params: ForwardParams, options: CallOptions<WindowProgress> = {}): Promise<ForwardResult> {
    return forwardAll(this.require().runnable, params.ids, {
      ...params,
      signal: options.signal,
      onProgress: options.onProgress,
    });
  }

  async step(params: StepParams, options: CallOptions = {}): Promise<StepResult> {
    throwIfCancelled(options.signal, 'The step');
    return this.require().stepCache.step(params.ids, params.useCache ?? true);
  }

  async score(params: ScoreParams, options: CallOptions<WindowProgress> = {}): Promise<ScoreResult> {
    return scoreSequence(this.require().runnable, params.ids, {
      ...params,
      signal: options.signal,
      onProgress: options.onProgress,
    });
  }

  /**
   * Every position of a text scored in one pass (after the model's start token), rows kept for
   * `row`; with `rowPosition`, that row too (what `row` would answer next).
   */
  async analyze(params: AnalyzeParams, options: CallOptions<WindowProgress> = {}): Promise<AnalyzeReply> {
    const { analyzer } = this.require();
    const analysis = await analyzer.analyze(params.ids, {
      strideTokens: params.strideTokens,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    if (params.rowPosition === undefined) return analysis;
    return { ...analysis, row: await analyzer.row(params.ids, params.rowPosition) };
  }

  /** The logits at one position of a text, from the last analysis when it covers it. */
  async row(params: RowParams, options: CallOptions = {}): Promise<RowResult> {
    throwIfCancelled(options.signal, 'Reading a position');
    return this.require().analyzer.row(params.ids, params.position);
  }

  /** The loaded model's tokenizer files (null without a model), for the tokenizer lab. */
  modelTokenizerFiles(): ModelTokenizerFiles | null {
    return this.active?.tokenizerFiles ?? null;
  }

  /** The bigram and layer views of the loaded model. */
  bigramAnalyzer(): BigramAnalyzer {
    return this.require().bigram;
  }

  /** The loaded model's key space (throws no-model without one). */
  keySpace(): KeySpace {
    return this.require().keySpace;
  }

  /** The token the engine puts before a text: the model's BOS, else its EOS, else 0. */
  startTokenId(): number {
    const info = this.require().info;
    return info.bosTokenId ?? info.eosTokenId ?? 0;
  }

  /** The window length forward passes use for the current model. */
  windowTokens(): number {
    const { runnable } = this.require();
    return windowTokensFor(runnable.contextTokens, runnable.vocabSize);
  }
}

async function disposeActive(active: ActiveModel): Promise<void> {
  // One job: the cache's GPU tensors and the session are released while nothing else runs.
  await exclusiveOnnxRuntime(async () => {
    active.stepCache.reset();
    active.analyzer.reset();
    active.bigram.reset();
    await active.model.dispose();
  });
}
