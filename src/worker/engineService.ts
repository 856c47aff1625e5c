/** The protocol's request kinds, implemented on an Engine and the Hub file store. */
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/errors';
import { groupCachedFiles, parseHubFileUrl, type ModelFileStore } from '../engine/files/hubCache';
import { computeBiasLens, lemmaDepsOn } from '../engine/biasLens';
import { computeLanguageBias } from '../engine/languageBias';
import type { TokenizerLab } from '../engine/tokenizerLab';
import { compareModelsOnText, nextBytesOnBoth, type ModelHandle, type SecondModel } from '../engine/modelComparison';
import { type CompareModelsProgress } from '../protocol/tokenizerLab';
import type { ModelSource } from '../protocol/model';
import { benchKeyQueries } from '../engine/keySpaceBench';
import { expandCandidatesOnEngine, runIcnOnEngine } from '../engine/icnModel';
import type { CorpusIndexService } from '../engine/corpusIndex';
import type { CorpusApiService } from '../engine/corpusApi';
import type { BatchService } from '../engine/batchService';
import type { EngineService } from './handler';

export interface ServiceOptions {
  /** Honour `debugMisbehave` (test builds and `?testApi=1` pages only). */
  allowMisbehave: boolean;
  /** Make the worker misbehave; the worker entry knows how. */
  misbehave: (how: 'throw-uncaught' | 'hang' | 'close') => void;
  /** The tokenizer lab's tokenizers (shipped files and the loaded model's). */
  tokenizerLab: TokenizerLab;
  /** The tokenizer lab's second model (two models on one text), in its own Engine. */
  secondModel: SecondModel;
  /** The corpus view's ∞-gram index over the loaded model's tokens. */
  corpus: CorpusIndexService;
  /** The corpus view's infini-gram API backend (asked only when the user turned it on). */
  corpusApi: CorpusApiService;
  /** Batch runs, on an Engine of their own (the runner needs its engine to itself). */
  batches: BatchService;
}

export function createEngineService(engine: Engine, hubStore: ModelFileStore, options: ServiceOptions): EngineService {
  /** The loaded model and the second one (loaded on first use, with progress). */
  const bothModels = async (
    other: ModelSource,
    signal: AbortSignal,
    onProgress: (p: CompareModelsProgress) => void,
  ): Promise<[ModelHandle, ModelHandle]> => {
    const info = engine.modelInfo;
    if (!info) throw new EngineError('no-model', 'No model is loaded yet.');
    const label = other.kind === 'folder' ? other.name : other.kind === 'path' ? other.path : other.id;
    const b = await options.secondModel.ensure(other, info, {
      signal,
      onProgress: (p) => onProgress({ phase: 'loading', label, done: p.loadedBytes, total: p.totalBytes }),
    });
    return [{ engine, tokenizer: options.tokenizerLab.modelTokenizer() }, b];
  };
  const lemmaDeps = (signal: AbortSignal) => lemmaDepsOn(engine, options.tokenizerLab.modelTokenizer(), signal);
  return {
    probe: () => engine.probe(),
    load: (params, { signal, onProgress }) => engine.load(params, { signal, onProgress }),
    unload: async () => {
      const had = engine.modelInfo !== null;
      await engine.unload();
      return { unloaded: had };
    },
    tokenize: (params) => engine.tokenize(params),
    tokenViews: ({ ids }) => engine.tokenViews(ids),
    vocabulary: () => engine.vocabulary(),
    fileHashes: (params) => engine.fileHashes(params),
    forward: (params, { signal, onProgress }) => engine.forward(params, { signal, onProgress }),
    step: (params, { signal }) => engine.step(params, { signal }),
    score: (params, { signal, onProgress }) => engine.score(params, { signal, onProgress }),
    analyze: (params, { signal, onProgress }) => engine.analyze(params, { signal, onProgress }),
    row: (params, { signal }) => engine.row(params, { signal }),
    listCachedModels: async () => groupCachedFiles(await hubStore.list()),
    clearCachedModels: async ({ modelId }) => {
      const urls = (await hubStore.list())
        .map((entry) => entry.url)
        .filter((url) => modelId === undefined || parseHubFileUrl(url)?.modelId === modelId);
      return { deletedFiles: await hubStore.delete(urls) };
    },
    tokenizerLabTokenizers: () => options.tokenizerLab.list(),
    tokenizerLabAddTokenizer: (source) => options.tokenizerLab.add(source),
    tokenizerLabTokenize: (params, { signal, onProgress }) =>
      options.tokenizerLab.tokenize(params, { signal, onProgress }),
    tokenizerLabParity: ({ tokenizerIds }, { signal, onProgress }) =>
      options.tokenizerLab.parity(tokenizerIds, { signal, onProgress }),
    tokenizerLabCharPositions: ({ tokenizerIds, word }, { signal, onProgress }) =>
      options.tokenizerLab.charPositions(tokenizerIds, word, { signal, onProgress }),
    tokenizerLabBiasLens: (params, { signal, onProgress }) =>
      computeBiasLens(params, { ...lemmaDeps(signal), onProgress }),
    tokenizerLabLanguageBias: (params, { signal, onProgress }) =>
      computeLanguageBias(params, { ...lemmaDeps(signal), onPromptDone: onProgress }),
    tokenizerLabCompareModels: async (params, { signal, onProgress }) => {
      const [a, b] = await bothModels(params.other, signal, onProgress);
      return compareModelsOnText(params, a, b, { signal, onProgress });
    },
    tokenizerLabNextBytesBoth: async ({ prompt, other }, { signal, onProgress }) =>
      nextBytesOnBoth(prompt, await bothModels(other, signal, onProgress), { signal }),
    keySpaceInfo: () => engine.keySpace().info(),
    bigramAnalyze: ({ ids }, { signal, onProgress }) => engine.bigramAnalyzer().analyze(ids, { signal, onProgress }),
    layerInternals: () => engine.bigramAnalyzer().internalsReport(),
    bigramTable: (params, { signal, onProgress }) => engine.bigramAnalyzer().table(params, { signal, onProgress }),
    bigramSetCorpus: (source) => engine.bigramAnalyzer().setCorpus(source),
    bigramCorpus: (params, { signal, onProgress }) =>
      engine.bigramAnalyzer().compareWithCorpus(params, { signal, onProgress }),
    layerPrepare: () => engine.bigramAnalyzer().prepareLayers(),
    layerLensSelected: (params, { signal, onProgress }) =>
      engine.bigramAnalyzer().lensSelected(params, { signal, onProgress }),
    layerLens: (params, { signal, onProgress }) => engine.bigramAnalyzer().lens(params, { signal, onProgress }),
    corpusOpen: (source, { signal, onProgress }) => options.corpus.open(source, { signal, onProgress }),
    corpusScore: (params, { signal }) => options.corpus.score(params, { signal }),
    corpusPosition: (params, { signal }) => options.corpus.position(params, { signal }),
    corpusApiNext: (params, { signal }) => options.corpusApi.next(params, { signal }),
    batchRun: (params, context) => options.batches.run(params, context),
    batchScore: (params, context) => options.batches.score(params, context),
    keyNeighbours: (params) => engine.keySpace().neighbours(params),
    keySim: (params) => engine.keySpace().keySim(params),
    keyMap: (_params, { signal }) => engine.keySpace().keyMap(signal),
    keyIcn: (params, { signal, onProgress }) => runIcnOnEngine(engine, params, { signal, onProgress }),
    keyExpand: (params, { signal, onProgress }) => expandCandidatesOnEngine(engine, params, { signal, onProgress }),
    benchKeyQueries: (params) => {
      if (!options.allowMisbehave)
        throw new EngineError('bad-request', 'benchKeyQueries is only available to the test API.');
      return benchKeyQueries(params, () => engine.keySpace());
    },
    debugMisbehave: ({ how }) => {
      if (!options.allowMisbehave)
        throw new EngineError('bad-request', 'debugMisbehave is only available to the test API.');
      // Let the reply go out first, then misbehave.
      setTimeout(() => options.misbehave(how), 0);
      return { accepted: true };
    },
  };
}
