import { describe, expect, it } from 'vitest';
import { cancellationPoint } from './errors';

describe('cancellationPoint', () => {
  it('goes on when nothing cancelled, and throws at once when the signal has fired', async () => {
    await expect(cancellationPoint(new AbortController().signal, 'Scoring')).resolves.toBeUndefined();
    await expect(cancellationPoint(undefined, 'Scoring')).resolves.toBeUndefined();
    await expect(cancellationPoint(AbortSignal.abort(), 'Scoring')).rejects.toMatchObject({
      code: 'cancelled',
      message: 'Scoring was cancelled.',
    });
  });

  it('lets a cancel request queued before it in first: a message, or a timer', async () => {
    // The worker's cancel arrives as a message; the test API's and Node's as timers or messages too.
    for (const queue of ['message', 'timer'] as const) {
      const controller = new AbortController();
      if (queue === 'timer') setTimeout(() => controller.abort(), 0);
      else {
        const { port1, port2 } = new MessageChannel();
        port1.onmessage = () => {
          port1.close();
          controller.abort();
        };
        port2.postMessage('cancel');
      }
      await expect(cancellationPoint(controller.signal, 'Scoring'), queue).rejects.toMatchObject({ code: 'cancelled' });
    }
  });

  it('yields to the event loop: work queued behind it runs before the loop goes on', async () => {
    const order: string[] = [];
    setTimeout(() => order.push('timer'), 0);
    void Promise.resolve().then(() => order.push('microtask'));
    await cancellationPoint(undefined, 'Scoring');
    order.push('after');
    expect(order).toEqual(['microtask', 'timer', 'after']);
  });
});
