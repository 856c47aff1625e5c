/** In-context navigation on the real sotu-gpt (Node): probes, the answer curve, and expansions equal to a plain greedy decode. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRuntime } from './nodeRuntime';
import { greedyToken } from '../core/distribution';
import { icnPrompt } from '../core/keyspace/icn';
import { Engine } from './engine';
import { EngineError } from './errors';
import { expandCandidatesOnEngine, runIcnOnEngine } from './icnModel';

const INSTRUCTION = 'Name the countries of South America.';

describe('ICN on sotu-gpt', () => {
  const engine = new Engine(createNodeRuntime());
  beforeAll(async () => {
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
  });
  afterAll(() => engine.unload());

  it('runs runs × tolerance probes with distinct first tokens, reporting each, and counts unique answers', async () => {
    const progress: number[] = [];
    const probes = await runIcnOnEngine(
      engine,
      {
        method: 'icn',
        instruction: INSTRUCTION,
        runs: 2,
        tolerance: 3,
        maxAnswerTokens: 12,
        acceptableText: 'Brazil, Chile',
      },
      {
        onProgress: (p) => progress.push(p.index),
      },
    );
    expect(probes).toHaveLength(6);
    expect(progress).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(probes.map((p) => p.firstToken)).size).toBe(6);
    expect(probes.map((p) => p.run)).toEqual([1, 1, 1, 2, 2, 2]);
    for (let i = 1; i < probes.length; i++)
      expect(probes[i].uniqueAnswers).toBeGreaterThanOrEqual(probes[i - 1].uniqueAnswers);
    for (const probe of probes) expect(typeof probe.correct).toBe('boolean');
  });

  it('expands a first token exactly as a greedy decode from the empty-list prompt would', async () => {
    const [probe] = await runIcnOnEngine(engine, {
      method: 'first-token',
      instruction: INSTRUCTION,
      runs: 1,
      tolerance: 1,
      maxAnswerTokens: 12,
    });
    const ids = engine.tokenize({ text: icnPrompt(INSTRUCTION, []) + probe.firstToken }).ids;
    let text = probe.firstToken;
    for (let step = 0; step < 12 && !text.includes('"'); step++) {
      const next = greedyToken((await engine.step({ ids, useCache: false })).logits);
      if (next === engine.modelInfo!.eosTokenId) break;
      ids.push(next);
      text += engine.decode([next]);
    }
    expect(probe.answer).toBe(text.includes('"') ? text.slice(0, text.indexOf('"')) : text);
  });

  it('expands candidate first tokens after a context exactly as a greedy decode, reporting each', async () => {
    const contextIds = [0, ...engine.tokenize({ text: 'The United States of' }).ids];
    const progress: number[] = [];
    const expanded = await expandCandidatesOnEngine(
      engine,
      { contextIds, tokenIds: [767, 2004], maxAnswerTokens: 6 },
      { onProgress: (p) => progress.push(p.done) },
    );
    expect(progress).toEqual([1, 2]);
    expect(expanded.map((e) => e.tokenId)).toEqual([767, 2004]);
    const ids = [...contextIds, 2004];
    let text = engine.decode([2004]);
    for (let step = 0; step < 6 && !text.includes('"'); step++) {
      const next = greedyToken((await engine.step({ ids, useCache: false })).logits);
      if (next === engine.modelInfo!.eosTokenId) break;
      ids.push(next);
      text += engine.decode([next]);
    }
    expect(expanded[1].answer).toBe(text.includes('"') ? text.slice(0, text.indexOf('"')) : text);
    expect(expanded[1].answer.startsWith(' China')).toBe(true);
  });

  it('stops with a cancelled error when the signal fires', async () => {
    const controller = new AbortController();
    const error = await runIcnOnEngine(
      engine,
      { method: 'icn', instruction: INSTRUCTION, runs: 5, tolerance: 5 },
      {
        signal: controller.signal,
        onProgress: () => controller.abort(),
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('cancelled');
  });
});
