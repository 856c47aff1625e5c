/// <reference lib="webworker" />
/**
 * The inference worker's entry: one Engine, the request handler, and a heartbeat that
 * stops when the worker is blocked or dead (the client's hang detection listens for it).
 */
import { createBrowserRuntime } from '../engine/browserRuntime';
import { Engine } from '../engine/engine';
import { CacheStorageStore } from '../engine/files/hubCache';
import { httpTokenizerFiles, TokenizerLab } from '../engine/tokenizerLab';
import { SecondModel } from '../engine/modelComparison';
import { CorpusIndexService } from '../engine/corpusIndex';
import { memoryCorpusIndexStore, openCorpusIndexStore } from '../storage/corpusIndexStore';
import { CorpusApiService, labIndexTokenizers } from '../engine/corpusApi';
import { BatchService } from '../engine/batchService';
import { memoryBatchStore, openBatchStore } from '../storage/batchStore';
import { createEngineService } from './engineService';
import { createRequestHandler } from './handler';
import { HEARTBEAT_INTERVAL_MS, type ReplyMessage, type RequestMessage } from '../protocol/calls';

declare const self: DedicatedWorkerGlobalScope;

/** The client names the worker with this suffix when the page enabled the test API. */
export const TEST_WORKER_NAME_SUFFIX = '+test-api';

const hubStore = new CacheStorageStore();
const appBaseUrl = new URL(import.meta.env.BASE_URL, self.location.origin).href;
// NOTE: one runtime for both engines: ONNX Runtime is initialised once per worker.
const runtime = createBrowserRuntime({ appBaseUrl, hubStore, scope: self });
// The page asks for the whole vocabulary after every load: it is rendered while the model file downloads.
const engine = new Engine(runtime, { renderVocabularyEarly: true });
/** The tokenizer lab's second model (two models on one text): its own Engine, so the main model stays loaded. */
const secondModel = new SecondModel(new Engine(runtime));
const tokenizerLab = new TokenizerLab(httpTokenizerFiles(new URL('tokenizers/', appBaseUrl).href), () =>
  engine.modelTokenizerFiles(),
);

// Without IndexedDB (some private windows) indexes live only as long as the worker.
const corpus = new CorpusIndexService(
  engine,
  typeof indexedDB === 'undefined' ? memoryCorpusIndexStore() : openCorpusIndexStore(),
);

// The infini-gram API backend: Llama 2 (and GPT-2) from the tokenizer lab; its answer cache is opened on the first query.
const corpusApi = new CorpusApiService({ tokenizers: labIndexTokenizers(tokenizerLab) });

// Batch runs: their own Engine (the runner needs one to itself), each result written to IndexedDB from here.
const batches = new BatchService(
  new Engine(runtime),
  typeof indexedDB === 'undefined' ? memoryBatchStore() : openBatchStore(),
);

const send = (message: ReplyMessage, transfer: Transferable[] = []) => self.postMessage(message, transfer);

const handler = createRequestHandler(
  createEngineService(engine, hubStore, {
    allowMisbehave: self.name.endsWith(TEST_WORKER_NAME_SUFFIX),
    tokenizerLab,
    secondModel,
    corpus,
    corpusApi,
    batches,
    misbehave: (how) => {
      if (how === 'close') self.close();
      else if (how === 'hang')
        for (;;) {
          /* blocks the worker's only thread: heartbeats stop */
        }
      else
        setTimeout(() => {
          throw new Error('simulated crash requested by the test API');
        }, 0);
    },
  }),
  send,
);

self.onmessage = (event: MessageEvent<RequestMessage>) => void handler.handle(event.data);
setInterval(() => send({ type: 'heartbeat', sentAt: Date.now() }), HEARTBEAT_INTERVAL_MS);
send({ type: 'ready' });
