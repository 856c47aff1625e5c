import { describe, expect, it } from 'vitest';
import { appendStep, emptyTree, moveTo, pathTokens, ROOT_ID } from './branchTree';
import { draftToRestore, labDraftOf, parseLabDraft } from './labDraft';

function exploredTree() {
  let tree = appendStep(emptyTree(), { tokenId: 5, probability: 0.5, sampledProbability: 0.6, how: 'sample', seed: 7 });
  tree = appendStep(tree, { tokenId: 6, probability: 0.25, sampledProbability: null, how: 'greedy', seed: null });
  tree = appendStep(moveTo(tree, ROOT_ID), {
    tokenId: 9,
    probability: 0.1,
    sampledProbability: null,
    how: 'click',
    seed: null,
  });
  return moveTo(tree, 2);
}

describe('lab draft', () => {
  it('brings the tree and selection back through JSON for the same model and text', () => {
    const raw = JSON.stringify(labDraftOf('embedded:sotu-gpt', 'The Union', exploredTree(), 3, (id) => `t${id}`));
    const restored = draftToRestore(parseLabDraft(raw), 'embedded:sotu-gpt', 'The Union');
    expect(restored).not.toBeNull();
    expect(pathTokens(restored!.tree)).toEqual([5, 6]);
    expect(Object.keys(restored!.tree.nodes)).toHaveLength(4);
    expect(restored!.selected).toBe(3);
    expect(Object.values(restored!.tree.nodes).find((n) => n.tokenId === 5)).toMatchObject({ how: 'sample', seed: 7 });
  });

  it('ignores a draft for another model or another text, and an empty one', () => {
    const draft = parseLabDraft(
      JSON.stringify(labDraftOf('embedded:sotu-gpt', 'The Union', exploredTree(), null, String)),
    );
    expect(draftToRestore(draft, 'embedded:sotu-bytes', 'The Union')).toBeNull();
    expect(draftToRestore(draft, 'embedded:sotu-gpt', 'The Union!')).toBeNull();
    const empty = parseLabDraft(JSON.stringify(labDraftOf('m', 't', emptyTree(), null, String)));
    expect(draftToRestore(empty, 'm', 't')).toBeNull();
  });

  it('reads corrupt, foreign or malformed drafts as none', () => {
    expect(parseLabDraft(null)).toBeNull();
    expect(parseLabDraft('{not json')).toBeNull();
    expect(parseLabDraft(JSON.stringify({ version: 2 }))).toBeNull();
    const cyclic = labDraftOf('m', 't', exploredTree(), null, String);
    cyclic.branches.nodes[1].children.push(0);
    expect(parseLabDraft(JSON.stringify(cyclic))).toBeNull();
  });
});
