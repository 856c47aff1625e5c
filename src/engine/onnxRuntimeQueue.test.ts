import { describe, expect, it } from 'vitest';
import type { PreTrainedModel, Tensor } from '@huggingface/transformers';
import { exclusiveOnnxRuntime, forwardAndRead } from './onnxRuntimeQueue';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('exclusiveOnnxRuntime', () => {
  it('runs jobs one at a time, in the order they were queued, whatever their durations', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const finished: number[] = [];
    const job = (id: number, ms: number) =>
      exclusiveOnnxRuntime(async () => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await sleep(ms);
        running--;
        finished.push(id);
        return id * 10;
      });
    const results = await Promise.all([job(1, 30), job(2, 1), job(3, 15), job(4, 0)]);
    expect(results).toEqual([10, 20, 30, 40]);
    expect(finished).toEqual([1, 2, 3, 4]);
    expect(mostAtOnce).toBe(1);
  });

  it('gives a failed job its error and goes on with the next', async () => {
    const failed = exclusiveOnnxRuntime(async () => {
      throw new Error('session creation failed');
    });
    const next = exclusiveOnnxRuntime(async () => 'ran');
    await expect(failed).rejects.toThrow('session creation failed');
    await expect(next).resolves.toBe('ran');
  });
});

/** A tensor that says where it lives and whether it was released. */
function fakeTensor(location: 'cpu' | 'gpu-buffer') {
  const tensor = {
    location,
    released: false,
    dispose() {
      tensor.released = true;
    },
  };
  return tensor;
}

describe('forwardAndRead', () => {
  it('releases the GPU outputs it does not keep once they are read, even when reading fails', async () => {
    const outputs = {
      logits: fakeTensor('gpu-buffer'),
      'present.0.key': fakeTensor('gpu-buffer'),
      hidden: fakeTensor('cpu'),
    };
    const model = { forward: async () => outputs } as unknown as PreTrainedModel;
    const read = await forwardAndRead(
      model,
      {},
      async (o: Record<string, Tensor>) => Object.keys(o).length,
      (name) => name.startsWith('present'),
    );
    expect(read).toBe(3);
    expect([outputs.logits.released, outputs['present.0.key'].released, outputs.hidden.released]).toEqual([
      true,
      false,
      false,
    ]);

    const again = { logits: fakeTensor('gpu-buffer') };
    const failing = { forward: async () => again } as unknown as PreTrainedModel;
    await expect(
      forwardAndRead(failing, {}, async () => {
        throw new Error('bad logits');
      }),
    ).rejects.toThrow('bad logits');
    expect(again.logits.released).toBe(true);
  });

  it('does not start a forward pass while another job holds the runtime', async () => {
    const events: string[] = [];
    const creation = exclusiveOnnxRuntime(async () => {
      events.push('create start');
      await sleep(20);
      events.push('create end');
    });
    const model = {
      forward: async () => {
        events.push('forward');
        return {};
      },
    } as unknown as PreTrainedModel;
    await Promise.all([creation, forwardAndRead(model, {}, async () => undefined)]);
    expect(events).toEqual(['create start', 'create end', 'forward']);
  });
});
