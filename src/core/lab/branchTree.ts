/**
 * Every continuation the user explored after a text, as a tree: the root is the text, each
 * edge one appended token with the probability the model gave it. Walking back to any node
 * restores that continuation; appending the same token again reuses the existing child.
 * Immutable updates: each change returns a new tree (the store keeps history cheaply).
 */

export type StepKind = 'click' | 'greedy' | 'sample' | 'cautious';

export interface BranchNode {
  id: number;
  /** null for the root. */
  parentId: number | null;
  /** The appended token; -1 for the root. */
  tokenId: number;
  /** p(token) at temperature 1 when it was chosen. */
  probability: number;
  /** p(token) in the distribution it was drawn from (after the sampling settings); null when clicked. */
  sampledProbability: number | null;
  how: StepKind;
  /** The seed of a sampled step. */
  seed: number | null;
  childIds: number[];
}

export interface BranchTree {
  nodes: Record<number, BranchNode>;
  currentId: number;
  nextId: number;
}

export const ROOT_ID = 0;

export function emptyTree(): BranchTree {
  return {
    nodes: {
      [ROOT_ID]: {
        id: ROOT_ID,
        parentId: null,
        tokenId: -1,
        probability: 1,
        sampledProbability: null,
        how: 'click',
        seed: null,
        childIds: [],
      },
    },
    currentId: ROOT_ID,
    nextId: 1,
  };
}

/** The token ids from the root to a node (the continuation it stands for). */
export function pathTokens(tree: BranchTree, nodeId: number = tree.currentId): number[] {
  const tokens: number[] = [];
  let node: BranchNode | undefined = tree.nodes[nodeId];
  while (node && node.parentId !== null) {
    tokens.push(node.tokenId);
    node = tree.nodes[node.parentId];
  }
  return tokens.reverse();
}

/** Appends a token under the current node (or moves to the existing child with that token). */
export function appendStep(tree: BranchTree, step: Omit<BranchNode, 'id' | 'parentId' | 'childIds'>): BranchTree {
  const parent = tree.nodes[tree.currentId];
  const existing = parent.childIds.find((id) => tree.nodes[id].tokenId === step.tokenId);
  if (existing !== undefined) return { ...tree, currentId: existing };
  const id = tree.nextId;
  const node: BranchNode = { ...step, id, parentId: parent.id, childIds: [] };
  return {
    nodes: { ...tree.nodes, [id]: node, [parent.id]: { ...parent, childIds: [...parent.childIds, id] } },
    currentId: id,
    nextId: id + 1,
  };
}

/** Moves to a node of the tree (walking back or to another branch). */
export function moveTo(tree: BranchTree, nodeId: number): BranchTree {
  if (!tree.nodes[nodeId]) throw new RangeError(`No node ${nodeId} in the branch tree.`);
  return { ...tree, currentId: nodeId };
}

/** Depth of a node (tokens after the text). */
export function depthOf(tree: BranchTree, nodeId: number): number {
  return pathTokens(tree, nodeId).length;
}

/** Whether the tree holds anything beyond its root. */
export function hasBranches(tree: BranchTree): boolean {
  return tree.nextId > 1;
}
