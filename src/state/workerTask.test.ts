import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineCallError } from '../worker/client';
import { createWorkerTask, type WorkerTaskState } from './workerTask';

/** A worker call the test answers by hand: its signal, progress callback, resolve and reject. */
function pendingCall<R, E = never>() {
  const call = {
    started: 0,
    signal: null as AbortSignal | null,
    progress: (_event: E) => {},
    resolve: (_result: R) => {},
    reject: (_error: unknown) => {},
    run: (signal: AbortSignal, onProgress: (event: E) => void) => {
      call.started++;
      call.signal = signal;
      call.progress = onProgress;
      return new Promise<R>((resolve, reject) => {
        call.resolve = resolve;
        call.reject = reject;
      });
    },
  };
  return call;
}

/** Lets the promise callbacks of a settled call run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function recorded<R, P>(task: { subscribe: (l: (s: WorkerTaskState<R, P>) => void) => () => void }) {
  const statuses: string[] = [];
  task.subscribe((state) => statuses.push(state.status));
  return statuses;
}

describe('a worker task', () => {
  afterEach(() => vi.useRealTimers());

  it('runs: working, then ready with the result', async () => {
    const task = createWorkerTask<string>();
    const statuses = recorded(task);
    const call = pendingCall<string>();
    task.run(call.run);
    expect(task.getState()).toEqual({ status: 'working', result: null, progress: null, error: null });
    call.resolve('done');
    await settle();
    expect(task.getState()).toEqual({ status: 'ready', result: 'done', progress: null, error: null });
    expect(statuses).toEqual(['working', 'ready']);
  });

  it('delivers progress while working, and clears it when the result comes', async () => {
    const task = createWorkerTask<string, number>();
    const call = pendingCall<string, number>();
    task.run(call.run);
    call.progress(1);
    call.progress(2);
    expect(task.getState().progress).toBe(2);
    call.resolve('done');
    await settle();
    expect(task.getState().progress).toBeNull();
  });

  it('folds progress events, and keeps what was folded after a cancel', () => {
    const task = createWorkerTask<string, string, string[]>({
      foldProgress: (rows, row) => [...(rows ?? []), row],
    });
    const call = pendingCall<string, string>();
    task.run(call.run);
    call.progress('gpt2');
    call.progress('llama');
    expect(task.getState().progress).toEqual(['gpt2', 'llama']);
    task.cancel();
    expect(task.getState()).toMatchObject({ status: 'cancelled', progress: ['gpt2', 'llama'] });
  });

  it('turns an error into its message and keeps the older result', async () => {
    const task = createWorkerTask<string>();
    const first = pendingCall<string>();
    task.run(first.run);
    first.resolve('old');
    await settle();
    const second = pendingCall<string>();
    task.run(second.run);
    second.reject(new Error('The text is too long.'));
    await settle();
    expect(task.getState()).toEqual({
      status: 'error',
      result: 'old',
      progress: null,
      error: 'The text is too long.',
    });
  });

  it('lets a newer run supersede an older one: the older is aborted and its late result ignored', async () => {
    const task = createWorkerTask<string, number>();
    const older = pendingCall<string, number>();
    const newer = pendingCall<string, number>();
    task.run(older.run);
    task.run(newer.run);
    expect(older.signal!.aborted).toBe(true);
    newer.resolve('newer');
    await settle();
    older.progress(5);
    older.resolve('older');
    await settle();
    expect(task.getState()).toMatchObject({ status: 'ready', result: 'newer', progress: null });
  });

  it('cancels: aborted in the worker, cancelled, the result kept and a late result ignored', async () => {
    const task = createWorkerTask<string, number>();
    const first = pendingCall<string, number>();
    task.run(first.run);
    first.resolve('kept');
    await settle();
    const second = pendingCall<string, number>();
    task.run(second.run);
    second.progress(3);
    task.cancel();
    expect(second.signal!.aborted).toBe(true);
    expect(task.getState()).toEqual({ status: 'cancelled', result: 'kept', progress: null, error: null });
    second.resolve('late');
    await settle();
    expect(task.getState()).toMatchObject({ status: 'cancelled', result: 'kept' });
  });

  it('is cancelled, not an error nor stuck working, when the worker cancels the call itself', async () => {
    const task = createWorkerTask<string>();
    const call = pendingCall<string>();
    task.run(call.run);
    call.reject(new EngineCallError({ code: 'cancelled', message: 'The request was cancelled.', file: null }));
    await settle();
    expect(call.signal!.aborted).toBe(false);
    expect(task.getState()).toEqual({ status: 'cancelled', result: null, progress: null, error: null });
  });

  it('resets to idle and ignores the aborted call', async () => {
    const task = createWorkerTask<string>();
    const call = pendingCall<string>();
    task.run(call.run);
    task.reset();
    expect(call.signal!.aborted).toBe(true);
    call.resolve('late');
    await settle();
    expect(task.getState()).toEqual({ status: 'idle', result: null, progress: null, error: null });
  });

  it('runs only the last of several quick schedules, working from the first', async () => {
    vi.useFakeTimers();
    const task = createWorkerTask<string>();
    const calls = [pendingCall<string>(), pendingCall<string>(), pendingCall<string>()];
    for (const call of calls) {
      task.schedule(call.run, 200);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(task.getState().status).toBe('working');
    expect(calls.map((c) => c.started)).toEqual([0, 0, 0]);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.map((c) => c.started)).toEqual([0, 0, 1]);
    calls[2].resolve('last');
    await vi.advanceTimersByTimeAsync(0);
    expect(task.getState()).toMatchObject({ status: 'ready', result: 'last' });
  });

  it('cancels a scheduled call before it starts', async () => {
    vi.useFakeTimers();
    const task = createWorkerTask<string>();
    const call = pendingCall<string>();
    task.schedule(call.run, 200);
    task.cancel();
    await vi.advanceTimersByTimeAsync(500);
    expect(call.started).toBe(0);
    expect(task.getState().status).toBe('cancelled');
  });

  it('stops reporting once disposed', () => {
    const task = createWorkerTask<string>();
    const statuses = recorded(task);
    const call = pendingCall<string>();
    task.run(call.run);
    task.dispose();
    expect(call.signal!.aborted).toBe(true);
    task.reset();
    expect(statuses).toEqual(['working']);
  });
});
