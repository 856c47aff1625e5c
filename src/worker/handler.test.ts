import { describe, expect, it } from 'vitest';
import { decodeResult, encodeResult } from './wireFormat';
import { EngineError } from '../engine/errors';
import type { ModelInfo } from '../protocol/model';
import { createRequestHandler, type EngineService } from './handler';
import type { ReplyMessage, RequestMessage } from '../protocol/calls';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function fakeService(overrides: Partial<EngineService> = {}): EngineService {
  const unused = () => {
    throw new Error('not used in this test');
  };
  return {
    probe: unused,
    load: unused,
    unload: unused,
    tokenize: unused,
    tokenViews: unused,
    vocabulary: unused,
    fileHashes: unused,
    forward: unused,
    step: unused,
    score: unused,
    analyze: unused,
    row: unused,
    listCachedModels: unused,
    clearCachedModels: unused,
    debugMisbehave: unused,
    tokenizerLabTokenizers: unused,
    tokenizerLabAddTokenizer: unused,
    tokenizerLabTokenize: unused,
    tokenizerLabParity: unused,
    tokenizerLabCharPositions: unused,
    tokenizerLabBiasLens: unused,
    tokenizerLabLanguageBias: unused,
    tokenizerLabCompareModels: unused,
    tokenizerLabNextBytesBoth: unused,
    keySpaceInfo: unused,
    keyNeighbours: unused,
    keySim: unused,
    keyMap: unused,
    benchKeyQueries: unused,
    keyIcn: unused,
    keyExpand: unused,
    bigramAnalyze: unused,
    layerInternals: unused,
    bigramTable: unused,
    bigramSetCorpus: unused,
    bigramCorpus: unused,
    layerPrepare: unused,
    layerLensSelected: unused,
    layerLens: unused,
    corpusOpen: unused,
    corpusScore: unused,
    corpusPosition: unused,
    corpusApiNext: unused,
    batchRun: unused,
    batchScore: unused,
    ...overrides,
  };
}

function recorder() {
  const sent: { message: ReplyMessage; transfer?: Transferable[] }[] = [];
  return { sent, send: (message: ReplyMessage, transfer?: Transferable[]) => sent.push({ message, transfer }) };
}

describe('request handler', () => {
  it('answers each request with exactly one result', async () => {
    const { sent, send } = recorder();
    const handler = createRequestHandler(
      fakeService({ tokenize: ({ text }) => ({ ids: [text.length], tokens: [] }) }),
      send,
    );
    await handler.handle({ type: 'request', id: 7, kind: 'tokenize', params: { text: 'abc' } });
    expect(sent.map((s) => s.message)).toEqual([
      { type: 'result', id: 7, result: encodeResult('tokenize', { ids: [3], tokens: [] }).wire },
    ]);
    // Tokens cross in the wire format (worker/wireFormat.ts), their typed arrays moved.
    expect(decodeResult('tokenize', sent[0].message.type === 'result' && sent[0].message.result)).toEqual({
      ids: [3],
      tokens: [],
    });
    expect(sent[0].transfer?.length).toBeGreaterThan(0);
    expect(handler.inFlight()).toEqual([]);
  });

  it('turns a thrown engine error into an error reply that keeps code, message and file', async () => {
    const { sent, send } = recorder();
    const handler = createRequestHandler(
      fakeService({
        load: () => {
          throw new EngineError('model-file-missing', 'broken is missing tokenizer.json', 'tokenizer.json');
        },
      }),
      send,
    );
    await handler.handle({
      type: 'request',
      id: 1,
      kind: 'load',
      params: { source: { kind: 'embedded', id: 'broken' }, backend: 'wasm', dtype: 'auto' },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0].message).toEqual({
      type: 'error',
      id: 1,
      error: { code: 'model-file-missing', message: 'broken is missing tokenizer.json', file: 'tokenizer.json' },
    });
  });

  it('sends progress before the result', async () => {
    const { sent, send } = recorder();
    const handler = createRequestHandler(
      fakeService({
        load: (_params, { onProgress }) => {
          onProgress({ phase: 'downloading', files: [], loadedBytes: 1, totalBytes: 2 });
          return { key: 'embedded:x' } as ModelInfo;
        },
      }),
      send,
    );
    await handler.handle({
      type: 'request',
      id: 2,
      kind: 'load',
      params: { source: { kind: 'embedded', id: 'x' }, backend: 'wasm', dtype: 'auto' },
    });
    expect(sent.map((s) => s.message.type)).toEqual(['progress', 'result']);
  });

  it('transfers logits instead of copying them', async () => {
    const { sent, send } = recorder();
    const logits = new Float32Array(4);
    const handler = createRequestHandler(
      fakeService({
        step: () => ({ logits, vocabSize: 4, contextTokens: 1, reusedTokens: 0, computedTokens: 1, elapsedMs: 1 }),
      }),
      send,
    );
    await handler.handle({ type: 'request', id: 3, kind: 'step', params: { ids: [1] } });
    expect(sent[0].transfer).toEqual([logits.buffer]);
  });

  it('transfers the row an analysis brings, but copies logits that are a view into a larger buffer', async () => {
    const { sent, send } = recorder();
    const row = new Float32Array(4);
    const kept = new Float32Array(8);
    const handler = createRequestHandler(
      fakeService({
        analyze: () => ({
          startTokenId: 0,
          positions: [],
          nextEntropyNats: 1,
          reusedPositions: 0,
          computedTokens: 1,
          windowCount: 1,
          windowTokens: 256,
          elapsedMs: 1,
          row: { logits: row, vocabSize: 4, position: 0, contextTokens: 1 },
        }),
        step: () => ({
          logits: kept.subarray(4),
          vocabSize: 4,
          contextTokens: 1,
          reusedTokens: 0,
          computedTokens: 1,
          elapsedMs: 1,
        }),
      }),
      send,
    );
    await handler.handle({ type: 'request', id: 4, kind: 'analyze', params: { ids: [1], rowPosition: 1 } });
    expect(sent[0].transfer).toContain(row.buffer);
    await handler.handle({ type: 'request', id: 5, kind: 'step', params: { ids: [1] } });
    expect(sent[1].transfer).toEqual([]);
  });

  it('cancels a running request: the request ends with a cancelled error, the cancel with a result', async () => {
    const { sent, send } = recorder();
    const started = deferred<void>();
    const handler = createRequestHandler(
      fakeService({
        score: (_params, { signal }) =>
          new Promise((_resolve, reject) => {
            started.resolve();
            signal.addEventListener('abort', () => reject(new EngineError('cancelled', 'Scoring was cancelled.')));
          }),
      }),
      send,
    );
    const scoring = handler.handle({ type: 'request', id: 10, kind: 'score', params: { ids: [1, 2] } });
    await started.promise;
    expect(handler.inFlight()).toEqual([10]);
    await handler.handle({ type: 'request', id: 11, kind: 'cancel', params: { requestId: 10 } });
    await scoring;
    const replies = sent.map((s) => s.message);
    expect(replies).toContainEqual({ type: 'result', id: 11, result: { cancelled: true } });
    expect(replies).toContainEqual({
      type: 'error',
      id: 10,
      error: { code: 'cancelled', message: 'Scoring was cancelled.', file: null },
    });
    expect(replies.filter((m) => 'id' in m && m.id === 10)).toHaveLength(1);
  });

  it('reports cancelling an unknown request as not cancelled', async () => {
    const { sent, send } = recorder();
    const handler = createRequestHandler(fakeService(), send);
    await handler.handle({ type: 'request', id: 4, kind: 'cancel', params: { requestId: 99 } });
    expect(sent[0].message).toEqual({ type: 'result', id: 4, result: { cancelled: false } });
  });

  it('answers an unknown kind with an error rather than silence', async () => {
    const { sent, send } = recorder();
    const handler = createRequestHandler(fakeService(), send);
    await handler.handle({ type: 'request', id: 5, kind: 'nonsense', params: {} } as unknown as RequestMessage);
    expect(sent[0].message).toMatchObject({ type: 'error', id: 5, error: { code: 'runtime' } });
  });
});
