import { describe, expect, it } from 'vitest';
import {
  figureDifferences,
  float32FromBase64,
  float32ToBase64,
  probabilityUnit,
  shownFigures,
  type FirstScreen,
} from './firstView';
import { positionMetrics } from './positionMetrics';

/** A small screen: three tokens of a 300-token vocabulary, each position scored from its own logits row. */
function screen(seed: number): FirstScreen {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 8 - 4;
  const rows = Array.from({ length: 4 }, () => Float32Array.from({ length: 300 }, random));
  const ids = [17, 3, 250];
  return { ids, positions: ids.map((id, i) => positionMetrics(rows[i], id)), logits: rows[3], contextTokens: 4 };
}

describe('the precomputed first view', () => {
  it('stores logits as float32 base64 and reads back the same bits', () => {
    const logits = Float32Array.from([0, -0, 1.5, -3.25e-7, 3.4e38, Number.NaN, -Infinity]);
    expect(Array.from(float32FromBase64(float32ToBase64(logits)))).toEqual(Array.from(logits));
    const large = screen(1).logits as Float32Array;
    expect(float32FromBase64(float32ToBase64(large))).toEqual(large);
  });

  it('finds no difference between a screen and itself or a copy moved by float32 noise', () => {
    const a = screen(7);
    expect(figureDifferences(shownFigures(a, 20), shownFigures(a, 20))).toEqual([]);
    const noisy = Float32Array.from(a.logits as Float32Array, (x) => x * (1 + 1e-6));
    expect(figureDifferences(shownFigures(a, 20), shownFigures({ ...a, logits: noisy }, 20))).toEqual([]);
  });

  it('names what another model or text would change on screen', () => {
    const a = screen(7);
    const figures = shownFigures(a, 20);
    // The top logit raised by 0.5: its probability and the entropy move by more than the digits shown.
    const logits = Float32Array.from(a.logits as Float32Array);
    const top = logits.indexOf(Math.max(...logits));
    logits[top] += 0.5;
    const moved = figureDifferences(figures, shownFigures({ ...a, logits }, 20));
    expect(moved).toContainEqual(expect.stringMatching(/^bar 1 p: /));
    expect(moved).toContainEqual(expect.stringMatching(/^entropy bits: /));
    // Another token in the text: its chip, and the count of figures, differ.
    const otherText = {
      ...a,
      ids: [17, 4, 250],
      positions: [a.positions[0], positionMetrics(new Float32Array(300), 4), a.positions[2]],
    };
    expect(figureDifferences(figures, shownFigures(otherText, 20))).toContainEqual(
      expect.stringMatching(/^chip 1 token: 3 precomputed, 4 live/),
    );
    expect(
      figureDifferences(
        figures,
        shownFigures({ ...a, ids: a.ids.slice(0, 2), positions: a.positions.slice(0, 2) }, 20),
      ),
    ).toEqual(expect.arrayContaining(['tokens: 3 precomputed, 2 live', 'chip 2 token: missing']));
    expect(figureDifferences(figures.slice(1), figures)).toEqual(['tokens: extra']);
  });

  it('tells a difference of half a shown digit from a smaller one', () => {
    const at = (value: number, unit: number) => [{ name: 'x', value, unit }];
    expect(figureDifferences(at(0.1234, 0.001), at(0.1238, 0.001))).toEqual([]);
    expect(figureDifferences(at(0.1234, 0.001), at(0.1245, 0.001))).toHaveLength(1);
    expect(figureDifferences(at(12, 0), at(13, 0))).toHaveLength(1);
    expect(figureDifferences(at(Number.NaN, 0.01), at(Number.NaN, 0.01))).toHaveLength(1);
  });

  it('takes the last shown digit of a probability from its size', () => {
    expect(probabilityUnit(0.5)).toBe(0.001);
    expect(probabilityUnit(0.01)).toBe(0.001);
    expect(probabilityUnit(0.0042)).toBeCloseTo(0.0001, 15);
    expect(probabilityUnit(3.3e-7)).toBeCloseTo(1e-8, 20);
    expect(probabilityUnit(0)).toBe(0);
  });
});
