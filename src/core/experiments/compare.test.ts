import { describe, expect, it } from 'vitest';
import { compareExperiments, modelFileDifferences, reproduces, summarise, type ComparedSide } from './compare';
import { exampleExperiment } from './examples';
import type { Experiment } from './schema';

function side(record: Experiment): ComparedSide {
  return { name: record.name, modelId: record.model.id, text: record.text, results: record.results };
}

/** A deep copy whose surprisal at `position` is moved by `deltaBits` (and its probability with it). */
function withShift(record: Experiment, position: number, deltaBits: number): Experiment {
  const copy = structuredClone(record);
  const bits = copy.results!.metrics.surprisalBits!;
  bits[position] = bits[position]! + deltaBits;
  return copy;
}

describe('compareExperiments', () => {
  const record = exampleExperiment({ id: 'a', positions: 40, distributions: 2 });

  it('finds no difference between a record and itself, and says it reproduces', () => {
    const comparison = compareExperiments(side(record), side(record));
    expect(comparison.kind).toBe('positions');
    if (comparison.kind !== 'positions') return;
    expect(comparison.rows).toHaveLength(40);
    expect(comparison.maxAbsDeltaBits).toBe(0);
    expect(comparison.rankChanges).toBe(0);
    expect(comparison.distributions.length).toBe(2);
    expect(comparison.distributions.every((d) => d.sameOrder && d.maxAbsProbabilityDifference === 0)).toBe(true);
    expect(reproduces(comparison)).toEqual({ ok: true, problems: [] });
  });

  it('reports the largest per-position change and where it is', () => {
    const changed = withShift(withShift(record, 7, 0.5), 12, -2);
    const comparison = compareExperiments(side(record), side(changed));
    if (comparison.kind !== 'positions') throw new Error(comparison.reason);
    expect(comparison.largestAt).toBe(12);
    expect(comparison.maxAbsDeltaBits).toBeCloseTo(2, 12);
    expect(comparison.rows[7].deltaBits).toBeCloseTo(0.5, 12);
    expect(comparison.rows[3].deltaBits).toBe(0);
    const verdict = reproduces(comparison);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems[0]).toContain('position 12');
  });

  it('tolerates float32 noise below 0.001 bits', () => {
    expect(reproduces(compareExperiments(side(record), side(withShift(record, 5, 4e-4)))).ok).toBe(true);
  });

  it('compares kept distributions candidate by candidate, and a near-tie at the boundary does not fail', () => {
    const changed = structuredClone(record);
    const top = changed.results!.distributions[0].top;
    top[0] = { ...top[0], probability: top[0].probability + 0.01 };
    const comparison = compareExperiments(side(record), side(changed));
    if (comparison.kind !== 'positions') throw new Error('expected positions');
    expect(comparison.distributions[0].maxAbsProbabilityDifference).toBeCloseTo(0.01, 12);
    expect(reproduces(comparison).problems.join()).toContain(
      `distribution at position ${comparison.distributions[0].position}`,
    );

    const swapped = structuredClone(record);
    const last = swapped.results!.distributions[0].top.at(-1)!;
    swapped.results!.distributions[0].top[swapped.results!.distributions[0].top.length - 1] = {
      tokenId: 99_999,
      text: 'tie',
      probability: last.probability,
    };
    const boundary = compareExperiments(side(record), side(swapped));
    if (boundary.kind !== 'positions') throw new Error('expected positions');
    expect(boundary.distributions[0].sameOrder).toBe(false);
    expect(reproduces(boundary).ok).toBe(true);

    const intruder = structuredClone(record);
    intruder.results!.distributions[0].top[1] = { tokenId: 99_998, text: 'new', probability: 0.9 };
    expect(reproduces(compareExperiments(side(record), side(intruder))).problems.join()).toContain('"new"');
  });

  it('falls back to summaries per byte when the tokens differ, and when texts differ', () => {
    const other = structuredClone(record);
    other.results!.tokenIds[0] = other.results!.tokenIds[0] + 1;
    const comparison = compareExperiments(side(record), side(other));
    expect(comparison.kind).toBe('summaries');
    if (comparison.kind === 'summaries') expect(comparison.reason).toContain('bits per byte');
    const texts = compareExperiments(side(record), { ...side(record), text: record.text + '!' });
    expect(texts.kind === 'summaries' && texts.reason).toContain('texts differ');
  });

  it('summarises bits per UTF-8 byte, not per character', () => {
    const results = { ...record.results!, metrics: { surprisalBits: record.results!.tokenIds.map(() => 1) } };
    const summary = summarise({ name: 'x', modelId: 'm', text: 'é'.repeat(20), results })!;
    expect(summary.textBytes).toBe(40);
    expect(summary.totalSurprisalBits).toBe(40);
    expect(summary.bitsPerByte).toBe(1);
    expect(summary.bitsPerToken).toBe(1);
  });

  it('says which side has no results', () => {
    const inputsOnly = { ...side(record), name: 'link', results: null };
    const comparison = compareExperiments(side(record), inputsOnly);
    expect(comparison.kind === 'summaries' && comparison.reason).toContain('link has no saved results');
  });
});

describe('modelFileDifferences', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);
  it('says nothing can be told without hashes, and nothing differs for the same files', () => {
    expect(modelFileDifferences([], [{ path: 'x', sha256: a }])).toBeNull();
    expect(modelFileDifferences([{ path: 'x', sha256: a }], [{ path: 'x', sha256: a }])).toEqual([]);
  });
  it('names changed, missing and new files', () => {
    const lines = modelFileDifferences(
      [
        { path: 'onnx/model.onnx', sha256: a },
        { path: 'tokenizer.json', sha256: a },
      ],
      [
        { path: 'onnx/model.onnx', sha256: b },
        { path: 'onnx/model_quantized.onnx', sha256: a },
      ],
    )!;
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('onnx/model.onnx has changed');
    expect(lines[1]).toContain('tokenizer.json is not among');
    expect(lines[2]).toContain('onnx/model_quantized.onnx was not loaded');
  });
});
