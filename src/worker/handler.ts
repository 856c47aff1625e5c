/**
 * Turns request messages into exactly one reply each, with progress in between. A plain
 * function over a table of implementations: tests call it without a real Worker.
 */
import { toErrorReport } from '../engine/errors';
import { encodeResult } from './wireFormat';
import {
  transferablesOf,
  type CallKind,
  type EngineCalls,
  type ParamsOf,
  type ProgressOf,
  type ReplyMessage,
  type RequestMessage,
  type ResultOf,
} from '../protocol/calls';

export interface CallContext<K extends CallKind> {
  signal: AbortSignal;
  onProgress: (progress: ProgressOf<K>) => void;
}

/** One implementation per request kind except `cancel`, which the handler answers itself. */
export type EngineService = {
  [K in Exclude<CallKind, 'cancel'>]: (
    params: ParamsOf<K>,
    context: CallContext<K>,
  ) => Promise<ResultOf<K>> | ResultOf<K>;
};

export type Send = (message: ReplyMessage, transfer?: Transferable[]) => void;

export interface RequestHandler {
  handle(message: RequestMessage): Promise<void>;
  /** Ids of requests still running. */
  inFlight(): number[];
}

export function createRequestHandler(service: EngineService, send: Send): RequestHandler {
  const running = new Map<number, AbortController>();

  async function handle(message: RequestMessage): Promise<void> {
    if (message.kind === 'cancel') {
      const target = running.get((message.params as EngineCalls['cancel']['params']).requestId);
      target?.abort();
      send({ type: 'result', id: message.id, result: { cancelled: target !== undefined } });
      return;
    }
    const controller = new AbortController();
    running.set(message.id, controller);
    try {
      const implementation = service[message.kind] as (
        params: unknown,
        context: CallContext<CallKind>,
      ) => Promise<unknown> | unknown;
      if (typeof implementation !== 'function') throw new Error(`Unknown request kind "${String(message.kind)}".`);
      const result = await implementation(message.params, {
        signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) send({ type: 'progress', id: message.id, progress });
        },
      });
      if (controller.signal.aborted) {
        send({
          type: 'error',
          id: message.id,
          error: { code: 'cancelled', message: 'The request was cancelled.', file: null },
        });
      } else {
        const { wire, transfer } = encodeResult(message.kind, result);
        send({ type: 'result', id: message.id, result: wire }, [...transferablesOf(result), ...transfer]);
      }
    } catch (error) {
      send({ type: 'error', id: message.id, error: toErrorReport(error) });
    } finally {
      running.delete(message.id);
    }
  }

  return { handle, inFlight: () => [...running.keys()] };
}
