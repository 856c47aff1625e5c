/**
 * The UI's side of the worker protocol. Keeps pending requests by id, routes progress,
 * cancels through AbortSignals, and watches the worker: an `error` event (a crash) or
 * silence longer than the hang timeout (a hung or dead worker: heartbeats stopped) makes it
 * terminate the worker, start a fresh one, fail the pending requests with
 * WorkerRestartedError and tell its listener, which reloads the model. State that matters
 * to the user (text, settings) lives in the UI stores, so nothing of it is lost.
 */
import type { ErrorReport } from '../protocol/errors';
import type { CallKind, ParamsOf, ProgressOf, ReplyMessage, RequestMessage, ResultOf } from '../protocol/calls';
import { decodeResult } from './wireFormat';

export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

/** A reply that reported failure: carries the engine's code and file. */
export class EngineCallError extends Error {
  readonly code: ErrorReport['code'];
  readonly file: string | null;
  constructor(report: ErrorReport) {
    super(report.message);
    this.name = 'EngineCallError';
    this.code = report.code;
    this.file = report.file;
  }
}

/** The worker died or hung while the request was pending; it has been restarted. */
export class WorkerRestartedError extends Error {
  constructor(readonly reason: string) {
    super(`The inference worker stopped (${reason}) and was restarted.`);
    this.name = 'WorkerRestartedError';
  }
}

export type WorkerHealth = 'starting' | 'ready' | 'restarting' | 'failed';

export interface EngineClientOptions {
  createWorker: () => WorkerLike;
  /** Silence (no reply, progress or heartbeat) longer than this means the worker is hung. */
  hangTimeoutMs?: number;
  /**
   * The silence allowed while a `load` is pending: creating an ONNX Runtime session runs
   * synchronously in wasm and blocks the worker (heartbeats included) for seconds on big models.
   */
  loadHangTimeoutMs?: number;
  /** How often the watchdog looks. */
  watchdogIntervalMs?: number;
  /** More restarts than this within a minute and the client gives up (status `failed`). */
  maxRestartsPerMinute?: number;
  onHealth?: (health: WorkerHealth, detail: string | null) => void;
  /** After a restart: the new worker has no model; the listener reloads what the user had. */
  onRestart?: (reason: string, generation: number) => void;
  now?: () => number;
}

export interface CallOptions<K extends CallKind> {
  signal?: AbortSignal;
  onProgress?: (progress: ProgressOf<K>) => void;
}

interface Pending {
  kind: CallKind;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (progress: never) => void;
  cleanup: () => void;
}

/**
 * Requests that may block the worker (heartbeats included) for a long time: creating ONNX
 * Runtime sessions, and the tokenizer lab tokenizing up to 1 MB in one synchronous call
 * (Mistral 7B's SentencePiece: 12.6 s for 1 MB measured in Node on a loaded 2-core machine) or building Gemma 3's
 * 262k-token tokenizer, or the corpus view building a suffix array in one synchronous call
 * (seconds for a training split of 2 million tokens, more for the byte models' 9.7 million).
 * They get loadHangTimeoutMs.
 */
// The key-space kinds read and normalise the key matrices on first use (seconds for a Hub model) and the map runs a PCA.
// A batch run (and the scoring set) loads each of its models inside the request, as `load` does.
const LONG_BLOCKING_KINDS: ReadonlySet<CallKind> = new Set<CallKind>([
  'load',
  'corpusOpen',
  'tokenizerLabTokenize',
  'tokenizerLabParity',
  'tokenizerLabCharPositions',
  'keySpaceInfo',
  'keyNeighbours',
  'keySim',
  'keyMap',
  'benchKeyQueries',
  'batchRun',
  'batchScore',
]);

export const DEFAULT_HANG_TIMEOUT_MS = 30_000;
export const DEFAULT_LOAD_HANG_TIMEOUT_MS = 180_000;

export class EngineClient {
  private worker: WorkerLike;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private lastHeardAt: number;
  private restartTimes: number[] = [];
  private watchdog: ReturnType<typeof setInterval>;
  private health: WorkerHealth = 'starting';
  private generationCount = 0;
  private readonly now: () => number;
  hangTimeoutMs: number;

  constructor(private readonly options: EngineClientOptions) {
    this.now = options.now ?? (() => Date.now());
    this.hangTimeoutMs = options.hangTimeoutMs ?? DEFAULT_HANG_TIMEOUT_MS;
    this.lastHeardAt = this.now();
    this.worker = this.startWorker();
    this.watchdog = setInterval(() => this.checkHealth(), options.watchdogIntervalMs ?? 1000);
  }

  /** Increments on every restart: results from an older generation belong to a dead worker. */
  get generation(): number {
    return this.generationCount;
  }

  get currentHealth(): WorkerHealth {
    return this.health;
  }

  call<K extends CallKind>(kind: K, params: ParamsOf<K>, options: CallOptions<K> = {}): Promise<ResultOf<K>> {
    if (this.health === 'failed')
      return Promise.reject(new WorkerRestartedError('the worker keeps failing; reload the page'));
    if (options.signal?.aborted)
      return Promise.reject(
        new EngineCallError({ code: 'cancelled', message: 'The request was cancelled.', file: null }),
      );
    const id = this.nextId++;
    return new Promise<ResultOf<K>>((resolve, reject) => {
      const onAbort = () =>
        this.post({ type: 'request', id: this.nextId++, kind: 'cancel', params: { requestId: id } });
      options.signal?.addEventListener('abort', onAbort);
      this.pending.set(id, {
        kind,
        resolve: resolve as (value: unknown) => void,
        reject,
        onProgress: options.onProgress as ((progress: never) => void) | undefined,
        cleanup: () => options.signal?.removeEventListener('abort', onAbort),
      });
      this.post({ type: 'request', id, kind, params } as RequestMessage);
    });
  }

  /** Terminates the worker and starts a fresh one; pending requests fail. */
  restart(reason: string): void {
    this.worker.onmessage = this.worker.onerror = this.worker.onmessageerror = null;
    this.worker.terminate();
    const failure = new WorkerRestartedError(reason);
    for (const [id, pending] of this.pending) {
      pending.cleanup();
      pending.reject(failure);
      this.pending.delete(id);
    }
    const now = this.now();
    this.restartTimes = [...this.restartTimes.filter((t) => now - t < 60_000), now];
    if (this.restartTimes.length > (this.options.maxRestartsPerMinute ?? 3)) {
      this.setHealth('failed', reason);
      return;
    }
    this.generationCount++;
    this.setHealth('restarting', reason);
    this.lastHeardAt = now;
    this.worker = this.startWorker();
    this.options.onRestart?.(reason, this.generationCount);
  }

  /** Stops the watchdog and the worker for good. */
  dispose(): void {
    clearInterval(this.watchdog);
    this.worker.terminate();
    for (const pending of this.pending.values()) pending.reject(new WorkerRestartedError('the client was disposed'));
    this.pending.clear();
  }

  /** Test hook: the worker object, to kill it the way a browser would. */
  get rawWorker(): WorkerLike {
    return this.worker;
  }

  private startWorker(): WorkerLike {
    const worker = this.options.createWorker();
    worker.onmessage = (event) => this.receive(event.data as ReplyMessage);
    worker.onerror = (event) => {
      const message = event.message || 'an uncaught error';
      event.preventDefault?.();
      this.restart(`crashed: ${message}`);
    };
    worker.onmessageerror = () => this.restart('crashed: a message could not be decoded');
    return worker;
  }

  private post(message: RequestMessage): void {
    this.worker.postMessage(message);
  }

  private receive(message: ReplyMessage): void {
    this.lastHeardAt = this.now();
    if (message.type === 'heartbeat') {
      if (this.health !== 'ready') this.setHealth('ready', null);
      return;
    }
    if (message.type === 'ready') {
      this.setHealth('ready', null);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.progress as never);
      return;
    }
    this.pending.delete(message.id);
    pending.cleanup();
    if (message.type === 'result') pending.resolve(decodeResult(pending.kind, message.result));
    else pending.reject(new EngineCallError(message.error));
  }

  private checkHealth(): void {
    if (this.health === 'failed') return;
    const silentMs = this.now() - this.lastHeardAt;
    const loading = [...this.pending.values()].some((pending) => LONG_BLOCKING_KINDS.has(pending.kind));
    const limitMs = loading
      ? Math.max(this.hangTimeoutMs, this.options.loadHangTimeoutMs ?? DEFAULT_LOAD_HANG_TIMEOUT_MS)
      : this.hangTimeoutMs;
    if (silentMs > limitMs) this.restart(`no sign of life for ${Math.round(silentMs / 1000)} s`);
  }

  private setHealth(health: WorkerHealth, detail: string | null): void {
    this.health = health;
    this.options.onHealth?.(health, detail);
  }
}
