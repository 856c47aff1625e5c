import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeResult } from './wireFormat';
import { EngineCallError, EngineClient, WorkerRestartedError, type WorkerLike } from './client';
import type { ReplyMessage, RequestMessage } from '../protocol/calls';

class FakeWorker implements WorkerLike {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  received: RequestMessage[] = [];
  terminated = false;
  postMessage(message: unknown) {
    this.received.push(message as RequestMessage);
  }
  terminate() {
    this.terminated = true;
  }
  reply(message: ReplyMessage) {
    this.onmessage?.({ data: message } as MessageEvent);
  }
  crash(message: string) {
    this.onerror?.({ message, preventDefault() {} } as unknown as ErrorEvent);
  }
}

describe('EngineClient', () => {
  let workers: FakeWorker[];
  let clock: number;
  let restarts: string[];
  let client: EngineClient;

  beforeEach(() => {
    vi.useFakeTimers();
    workers = [];
    clock = 0;
    restarts = [];
    client = new EngineClient({
      createWorker: () => {
        const w = new FakeWorker();
        workers.push(w);
        return w;
      },
      hangTimeoutMs: 5000,
      loadHangTimeoutMs: 60_000,
      watchdogIntervalMs: 500,
      now: () => clock,
      onRestart: (reason) => restarts.push(reason),
    });
  });

  afterEach(() => {
    client.dispose();
    vi.useRealTimers();
  });

  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };

  it('matches replies to requests by id and routes progress', async () => {
    const progress: unknown[] = [];
    const loading = client.call(
      'load',
      { source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' },
      { onProgress: (p) => progress.push(p) },
    );
    const tokenizing = client.call('tokenize', { text: 'hi' });
    const [load, tokenize] = workers[0].received;
    workers[0].reply({
      type: 'result',
      id: tokenize.id,
      result: encodeResult('tokenize', { ids: [1], tokens: [] }).wire,
    });
    workers[0].reply({ type: 'progress', id: load.id, progress: { phase: 'downloading' } });
    workers[0].reply({ type: 'result', id: load.id, result: { key: 'embedded:sotu-gpt' } });
    await expect(tokenizing).resolves.toEqual({ ids: [1], tokens: [] });
    await expect(loading).resolves.toEqual({ key: 'embedded:sotu-gpt' });
    expect(progress).toEqual([{ phase: 'downloading' }]);
  });

  it('rejects with the engine error code and file', async () => {
    const loading = client.call('tokenize', { text: 'x' });
    workers[0].reply({
      type: 'error',
      id: workers[0].received[0].id,
      error: { code: 'no-model', message: 'No model is loaded yet.', file: null },
    });
    const error = await loading.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineCallError);
    expect(error).toMatchObject({ code: 'no-model', message: 'No model is loaded yet.' });
  });

  it('sends a cancel request when the signal aborts', () => {
    const controller = new AbortController();
    void client.call('score', { ids: [1, 2] }, { signal: controller.signal }).catch(() => undefined);
    controller.abort();
    const [score, cancel] = workers[0].received;
    expect(cancel).toMatchObject({ kind: 'cancel', params: { requestId: score.id } });
  });

  it('restarts a crashed worker, fails pending requests and reports the reason', async () => {
    const pending = client.call('score', { ids: [1, 2] });
    workers[0].crash('out of memory');
    await expect(pending).rejects.toBeInstanceOf(WorkerRestartedError);
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(restarts).toEqual(['crashed: out of memory']);
    expect(client.generation).toBe(1);
  });

  it('restarts a worker that stops sending heartbeats', async () => {
    const pending = client.call('forward', { ids: [1] });
    advance(3000);
    workers[0].reply({ type: 'heartbeat', sentAt: clock });
    advance(4000);
    expect(workers).toHaveLength(1);
    advance(2000);
    await expect(pending).rejects.toThrow(/no sign of life/);
    expect(workers).toHaveLength(2);
    expect(restarts[0]).toMatch(/no sign of life for \d+ s/);
  });

  it('allows a longer silence while a model loads (session creation blocks the worker)', async () => {
    const loading = client.call('load', {
      source: { kind: 'embedded', id: 'sotu-gpt' },
      backend: 'wasm',
      dtype: 'auto',
    });
    advance(20_000);
    expect(workers).toHaveLength(1);
    workers[0].reply({ type: 'result', id: workers[0].received[0].id, result: { key: 'embedded:sotu-gpt' } });
    await loading;
    advance(6000);
    expect(workers).toHaveLength(2);
  });

  it('allows the same longer silence while the tokenizer lab tokenizes', async () => {
    const tokenizing = client.call('tokenizerLabTokenize', { tokenizerIds: ['llama-2'], text: 'x'.repeat(1000) });
    advance(20_000);
    expect(workers).toHaveLength(1);
    workers[0].reply({
      type: 'result',
      id: workers[0].received[0].id,
      result: { rows: [], textBytes: 1000, shownBytes: 1000 },
    });
    await tokenizing;
    advance(6000);
    expect(workers).toHaveLength(2);
  });

  it('keeps a worker that stays alive while busy', () => {
    void client.call('score', { ids: [1, 2] }).catch(() => undefined);
    for (let i = 0; i < 20; i++) {
      advance(1000);
      workers[0].reply({ type: 'heartbeat', sentAt: clock });
    }
    expect(workers).toHaveLength(1);
  });

  it('serves new requests on the fresh worker after a restart', async () => {
    workers[0].crash('boom');
    const next = client.call('tokenize', { text: 'again' });
    expect(workers[1].received).toHaveLength(1);
    workers[1].reply({
      type: 'result',
      id: workers[1].received[0].id,
      result: encodeResult('tokenize', { ids: [], tokens: [] }).wire,
    });
    await expect(next).resolves.toEqual({ ids: [], tokens: [] });
  });

  it('gives up after too many restarts in a minute', async () => {
    for (let i = 0; i < 4; i++) workers.at(-1)!.crash(`crash ${i}`);
    expect(client.currentHealth).toBe('failed');
    await expect(client.call('probe', {})).rejects.toThrow(/keeps failing/);
  });
});
