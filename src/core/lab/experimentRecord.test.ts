import { describe, expect, it } from 'vitest';
import { experimentSchema } from '../experiments/schema';
import { appendStep, emptyTree, moveTo, pathTokens, ROOT_ID } from './branchTree';
import { labToDraft, treeFromRecord, treeToRecord } from './experimentRecord';

function sampleTree() {
  const step = (tokenId: number, probability: number) => ({
    tokenId,
    probability,
    sampledProbability: null,
    how: 'click' as const,
    seed: null,
  });
  let tree = appendStep(emptyTree(), step(5, 0.5));
  tree = appendStep(tree, step(6, 0.25));
  tree = appendStep(moveTo(tree, ROOT_ID), step(7, 0.125));
  return moveTo(tree, 2);
}

describe('lab ↔ experiment record', () => {
  it('keeps the branch tree, its probabilities and the selected node through the record', () => {
    const tree = sampleTree();
    const record = treeToRecord(tree, (id) => `t${id}`);
    expect(record.nodes.map((n) => n.tokenIds)).toEqual([[], [5], [7], [6]]);
    expect(record.nodes[3].text).toBe('t6');
    const back = treeFromRecord(record);
    expect(pathTokens(back)).toEqual(pathTokens(tree));
    expect(pathTokens(back)).toEqual([5, 6]);
    expect(
      Object.values(back.nodes)
        .map((n) => n.probability)
        .sort(),
    ).toEqual([0.125, 0.25, 0.5, 1]);
  });

  it('keeps how each step was taken, its sampled probability and its seed', () => {
    let tree = appendStep(emptyTree(), {
      tokenId: 5,
      probability: 0.5,
      sampledProbability: 0.625,
      how: 'sample',
      seed: 4_000_000_001,
    });
    tree = appendStep(tree, { tokenId: 6, probability: 0.25, sampledProbability: null, how: 'greedy', seed: null });
    const record = treeToRecord(tree, (id) => `t${id}`);
    expect(experimentSchema.shape.branches.safeParse(record).success).toBe(true);
    const back = treeFromRecord(record);
    const steps = Object.values(back.nodes)
      .filter((n) => n.parentId !== null)
      .map(({ how, seed, sampledProbability }) => ({ how, seed, sampledProbability }));
    expect(steps).toEqual([
      { how: 'sample', seed: 4_000_000_001, sampledProbability: 0.625 },
      { how: 'greedy', seed: null, sampledProbability: null },
    ]);
  });

  it('turns a multi-token edge into a chain', () => {
    const back = treeFromRecord({
      nodes: [
        { id: 0, tokenIds: [], text: '', probability: 1, children: [1] },
        { id: 1, tokenIds: [3, 4], text: 'ab', probability: 0.2, children: [] },
      ],
      selectedNodeId: 1,
    });
    expect(pathTokens(back)).toEqual([3, 4]);
  });

  it('writes a draft that the record schema accepts', () => {
    const draft = labToDraft({
      name: 'Union',
      model: { id: 'sotu-gpt', source: { kind: 'embedded', fileHashes: [] }, dtype: 'fp32', backend: 'wasm' },
      vocabularySize: 8192,
      text: 'The Union',
      settings: { temperature: 0.5, topK: 0, topP: 0.9, minP: 0, seed: 42, colourMetric: 'relativeToTop' },
      tree: sampleTree(),
      selectedPosition: 1,
      tokenText: (id) => `t${id}`,
      analysis: {
        ids: [10, 11],
        positions: [
          {
            tokenId: 10,
            logProb: Math.log(0.5),
            rank: 1,
            entropyNats: 1,
            top10EntropyNats: 1,
            probabilityRelativeToTop: 1,
            topTokenId: 10,
          },
          {
            tokenId: 11,
            logProb: -Infinity,
            rank: 8192,
            entropyNats: 2,
            top10EntropyNats: 1,
            probabilityRelativeToTop: 0,
            topTokenId: 3,
          },
        ],
      },
      distribution: { position: 1, top: [{ tokenId: 3, probability: 0.75 }], tailMass: 0.25 },
    });
    const record = experimentSchema.safeParse({
      ...draft,
      schemaVersion: 2,
      id: 'e1',
      createdAt: '2026-11-26T10:00:00.000Z',
      updatedAt: '2026-11-26T10:00:00.000Z',
      appVersion: '0.1.0',
    });
    expect(record.success, JSON.stringify(record.error?.issues)).toBe(true);
    expect(record.data!.results!.metrics.surprisalBits).toEqual([1, null]);
    expect(record.data!.settings).toMatchObject({ seed: 42, selectedPosition: 1, colourMetric: 'relativeToTop' });
  });
});
