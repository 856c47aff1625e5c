import { describe, expect, it } from 'vitest';
import { icnPrompt, runIcn, type IcnModel } from './icn';

/**
 * A character-level fake model that knows four colours. At an answer's start it prefers
 * first letters r > g > x > y > b > p; letters of colours already listed in the prompt drop
 * to the bottom and, once the prompt lists anything, b and p come first (navigation). Inside
 * an answer it spells the colour, then closes the quote; "x" and "y" spell "xx", "yy".
 */
const WORDS: Record<string, string> = { r: 'red', g: 'green', b: 'blue', p: 'pink', x: 'xx', y: 'yy' };
const BASE_ORDER = ['r', 'g', 'x', 'y', 'b', 'p'];

function fakeModel(contexts: string[]): IcnModel {
  return {
    tokenize: (text) => Array.from(text, (c) => c.charCodeAt(0)),
    decode: (ids) => String.fromCharCode(...ids),
    nextLogits: async (ids) => {
      const text = String.fromCharCode(...ids);
      contexts.push(text);
      const logits = new Float32Array(128);
      const open = text.lastIndexOf('"');
      const partial = text.slice(open + 1);
      if (partial === '') {
        const listed = new Set([...text.matchAll(/"(\w)\w*"/g)].map((m) => m[1]));
        BASE_ORDER.forEach((c, i) => {
          logits[c.charCodeAt(0)] = 10 - i;
        });
        for (const c of listed) logits[c.charCodeAt(0)] = -10;
        if (listed.size > 0) for (const c of ['b', 'p']) if (!listed.has(c)) logits[c.charCodeAt(0)] = 20;
        return logits;
      }
      const word = WORDS[partial[0]] ?? '';
      const next = partial.length < word.length ? word[partial.length] : '"';
      logits[next.charCodeAt(0)] = 10;
      return logits;
    },
  };
}

const INSTRUCTION = 'List colours.';
const ACCEPTABLE = ['red', 'green', 'blue', 'pink'];

describe('in-context navigation', () => {
  it("writes the paper's prompt", () => {
    expect(icnPrompt(INSTRUCTION, [])).toBe('List colours.\n\nAnswer:\n1. "');
    expect(icnPrompt(INSTRUCTION, ['red', 'green'])).toBe('List colours.\n\nAnswer:\n1. "red"\n2. "green"\n3. "');
  });

  it('ICN ranks first tokens under the explored list and so finds answers plain ranking misses', async () => {
    const icn = await runIcn(fakeModel([]), {
      method: 'icn',
      instruction: INSTRUCTION,
      runs: 2,
      tolerance: 2,
      acceptable: ACCEPTABLE,
    });
    expect(icn.map((p) => p.answer)).toEqual(['red', 'green', 'blue', 'pink']);
    expect(icn.map((p) => p.uniqueCorrect)).toEqual([1, 2, 3, 4]);
    const ranking = await runIcn(fakeModel([]), {
      method: 'first-token',
      instruction: INSTRUCTION,
      runs: 2,
      tolerance: 2,
      acceptable: ACCEPTABLE,
    });
    expect(ranking.map((p) => p.answer)).toEqual(['red', 'green', 'xx', 'yy']);
    expect(ranking.map((p) => p.correct)).toEqual([true, true, false, false]);
    expect(ranking.at(-1)!.uniqueAnswers).toBe(4);
    expect(ranking.at(-1)!.uniqueCorrect).toBe(2);
  });

  it('expands every first token from the prompt without the explored list (reg=True)', async () => {
    const contexts: string[] = [];
    await runIcn(fakeModel(contexts), { method: 'icn', instruction: INSTRUCTION, runs: 3, tolerance: 2 });
    const init = icnPrompt(INSTRUCTION, []);
    const expansions = contexts.filter((c) => !c.endsWith('. "'));
    expect(expansions.length).toBeGreaterThan(0);
    for (const context of expansions) expect(context.startsWith(init) && !context.includes('\n2. "')).toBe(true);
    // Run 3 ranks under a prompt listing the four answers of runs 1 and 2.
    expect(contexts).toContain(icnPrompt(INSTRUCTION, ['red', 'green', 'blue', 'pink']));
  });

  it('never probes the same first token twice, and marks answers cut by the token limit', async () => {
    const probes = await runIcn(fakeModel([]), {
      method: 'first-token',
      instruction: INSTRUCTION,
      runs: 1,
      tolerance: 6,
      maxAnswerTokens: 2,
    });
    expect(new Set(probes.map((p) => p.firstToken)).size).toBe(6);
    const red = probes.find((p) => p.firstToken === 'r')!;
    expect(red).toMatchObject({ answer: 'red', finished: false, correct: null });
    const xx = probes.find((p) => p.firstToken === 'x')!;
    expect(xx).toMatchObject({ answer: 'xx', finished: true });
  });

  it('samples whole answers at a temperature, the same for the same seed', async () => {
    const options = {
      method: 'temperature' as const,
      instruction: INSTRUCTION,
      runs: 2,
      tolerance: 3,
      temperature: 1.5,
      seed: 7,
      acceptable: ACCEPTABLE,
    };
    const first = await runIcn(fakeModel([]), options);
    expect(first).toHaveLength(6);
    expect(await runIcn(fakeModel([]), options)).toEqual(first);
    for (const probe of first) expect(probe.answer.startsWith(probe.firstToken)).toBe(true);
  });

  it('stops when asked, after reporting the probes done', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const run = runIcn(fakeModel([]), {
      method: 'icn',
      instruction: INSTRUCTION,
      signal: controller.signal,
      onProbe: (probe) => {
        seen.push(probe.answer);
        controller.abort();
      },
    });
    await expect(run).rejects.toThrow('In-context navigation was stopped.');
    expect(seen).toEqual(['red']);
  });

  it('refuses an empty instruction or a bad count', async () => {
    await expect(runIcn(fakeModel([]), { method: 'icn', instruction: ' ' })).rejects.toThrow(
      'The instruction is empty.',
    );
    await expect(runIcn(fakeModel([]), { method: 'icn', instruction: INSTRUCTION, runs: 0 })).rejects.toThrow(
      'runs must be a positive integer',
    );
  });
});
