/**
 * Stop during a cautious (CNTP) generation, on a fake worker: the step in progress is dropped
 * (no RangeError from an empty trial list, no cut trial appended as chosen), and a failing
 * model call ends the generation with the lab's error instead of a rejected promise.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyTree, pathTokens } from '../core/lab/branchTree';
import type { AnalyzeResult } from '../protocol/nextToken';
import { EMPTY_LAB, useSession } from './sessionStore';

const STOP_TOKEN = 3;
const TEXT = 'the text';
let onStep: (callIndex: number) => void = () => {};
let stepCalls = 0;
/** The model's logits at every step: uniform over 4 tokens (the entropy asks for 9 trials). */
let stepLogits = () => new Float32Array(4);
const fakeClient = {
  call: vi.fn(async (kind: string, params: { text?: string; ids?: number[]; rowPosition?: number }) => {
    // The lab's own text is token 1; the punctuation texts of CNTP's stop set are STOP_TOKEN.
    if (kind === 'tokenize') return { ids: params.text === TEXT ? [1] : [STOP_TOKEN], tokens: [] };
    if (kind === 'step') {
      onStep(stepCalls++);
      return { logits: stepLogits() };
    }
    if (kind === 'tokenViews') return params.ids!.map((id) => ({ id, text: `t${id}`, bytesHex: '', special: false }));
    // As the engine: with rowPosition, the row `row` would give comes with the analysis.
    if (kind === 'analyze')
      return {
        startTokenId: 0,
        positions: params.ids!.map((id) => ({ tokenId: id })),
        row:
          params.rowPosition === undefined
            ? undefined
            : { logits: stepLogits(), contextTokens: params.ids!.length + 1 },
      };
    if (kind === 'row') return { logits: stepLogits(), contextTokens: params.ids!.length + 1 };
    throw new Error(`unexpected call ${kind}`);
  }),
};
vi.mock('./engineClient', () => ({ engineClient: () => fakeClient }));

const { generate, stopGeneration } = await import('./nextTokenActions');

beforeEach(() => {
  stepCalls = 0;
  onStep = () => {};
  stepLogits = () => new Float32Array(4);
  useSession.setState((s) => ({
    text: TEXT,
    model: { key: 'fake' } as never,
    settings: { ...s.settings, cautious: true, temperature: 1, topK: 0, topP: 1, minP: 0 },
    nextToken: {
      ...EMPTY_LAB,
      tree: emptyTree(),
      textIds: [1],
      analysedIds: [1],
      analysis: { startTokenId: 0 } as AnalyzeResult,
      row: { position: 1, logits: new Float32Array(4), contextTokens: 1 },
    },
  }));
});

describe('generate with cautious steps', () => {
  it('appends nothing when Stop comes before the first trial', async () => {
    onStep = () => stopGeneration();
    await expect(generate(5, 'sample')).resolves.toBe(0);
    expect(pathTokens(useSession.getState().nextToken.tree)).toEqual([]);
    expect(useSession.getState().nextToken.generation).toBeNull();
    expect(useSession.getState().nextToken.error).toBeNull();
  });

  it('does not append a trial that Stop cut short', async () => {
    // The first call is the step's distribution; Stop comes during the trials after it.
    onStep = (i) => {
      if (i === 3) stopGeneration();
    };
    await expect(generate(5, 'sample')).resolves.toBe(0);
    expect(pathTokens(useSession.getState().nextToken.tree)).toEqual([]);
    expect(useSession.getState().nextToken.cautiousSteps).toEqual([]);
  });

  it('shows a failing model call as the lab error instead of rejecting', async () => {
    onStep = () => {
      throw new Error('the worker lost the model');
    };
    await expect(generate(5, 'sample')).resolves.toBe(0);
    expect(useSession.getState().nextToken).toMatchObject({
      status: 'error',
      error: 'the worker lost the model',
      generation: null,
    });
  });

  it('ends "Generate N" at N: the last chosen trial is cut to fit', async () => {
    // The stop token is unlikely, so trials run to their 32-token limit: every chosen trial is longer than what is left.
    stepLogits = () => Float32Array.from([0, 0, 0, -6]);
    const generated = await generate(5, 'sample');
    expect(useSession.getState().nextToken.error).toBeNull();
    expect(generated).toBe(5);
    const lab = useSession.getState().nextToken;
    expect(pathTokens(lab.tree)).toHaveLength(5);
    const step = lab.cautiousSteps.at(-1)!;
    expect(step.result.appended.tokenIds.length).toBeGreaterThan(5);
    expect(step.appendedCount).toBe(5);
    expect(pathTokens(lab.tree)).toEqual(step.result.appended.tokenIds.slice(0, 5));
  });
});
