import { describe, expect, it, vi } from 'vitest';

/** A stand-in for the browser's Worker: the test plays what the worker says through its handlers. */
class FakeWorker {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  say(data: unknown) {
    this.onmessage?.({ type: 'message', data } as MessageEvent);
  }
  fail(message: string) {
    this.onerror?.({ type: 'error', message } as ErrorEvent);
  }
}

const created: FakeWorker[] = [];
vi.mock('./createEngineWorker', () => ({
  createEngineWorker: () => {
    const worker = new FakeWorker();
    created.push(worker);
    return worker;
  },
}));

const { startEarlyWorker, takeEarlyWorker } = await import('./earlyWorker');

describe('the early engine worker', () => {
  it('is null before it is started', () => {
    expect(takeEarlyWorker()).toBeNull();
  });

  it('hands over what the worker said before it was taken, in order, then nothing twice', async () => {
    startEarlyWorker({ testApi: false });
    const worker = created.at(-1)!;
    worker.say({ type: 'ready' });
    worker.fail('the script could not be loaded');
    worker.say({ type: 'heartbeat' });

    const taken = takeEarlyWorker() as unknown as FakeWorker;
    expect(taken).toBe(worker);
    const heard: string[] = [];
    taken.onmessage = (event) => heard.push(`message ${(event.data as { type: string }).type}`);
    taken.onerror = (event) => heard.push(`error ${event.message}`);
    expect(heard).toEqual([]); // replayed once the taker's handlers are set
    await Promise.resolve();
    expect(heard).toEqual(['message ready', 'error the script could not be loaded', 'message heartbeat']);

    worker.say({ type: 'result' });
    await Promise.resolve();
    expect(heard.at(-1)).toBe('message result');
    expect(heard).toHaveLength(4);
    // Taken once: a restart creates a new worker.
    expect(takeEarlyWorker()).toBeNull();
  });
});
