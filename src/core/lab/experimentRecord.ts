/**
 * The next-token lab as an experiment record and back: the text, the sampling settings and
 * seed, the tree of explored continuations, the selected position, and a results snapshot
 * (per-token metrics and the distribution on screen as top-N + tail mass). Pure: the app
 * gives the lab state, the record goes to the repository, opening a record gives the lab
 * state back.
 */
import type { Experiment, ExperimentModel } from '../experiments/schema';

/** A record without the identity, times and version the repository adds. */
export type LabExperimentDraft = Omit<Experiment, 'schemaVersion' | 'id' | 'createdAt' | 'updatedAt' | 'appVersion'>;
import { ROOT_ID, type BranchNode, type BranchTree } from './branchTree';
import type { PositionMetrics } from './positionMetrics';
import type { ColourMetric } from './tokenColours';

export interface LabSnapshot {
  name: string;
  model: ExperimentModel;
  vocabularySize: number;
  text: string;
  settings: { temperature: number; topK: number; topP: number; minP: number; seed: number; colourMetric: ColourMetric };
  tree: BranchTree;
  /** The selected position (null: the end). */
  selectedPosition: number | null;
  /** Rendered text of any token id. */
  tokenText: (id: number) => string;
  /** The analysed ids (text, then continuation) and their metrics, when the analysis is current. */
  analysis: { ids: readonly number[]; positions: readonly PositionMetrics[] } | null;
  /** The distribution on screen: its position and top candidates with the tail. */
  distribution: { position: number; top: { tokenId: number; probability: number }[]; tailMass: number } | null;
}

/** Lab tree → the record's flat tree (node index = id, root 0, one token per edge). */
export function treeToRecord(tree: BranchTree, tokenText: (id: number) => string): Experiment['branches'] {
  const order: number[] = [];
  const queue = [ROOT_ID];
  while (queue.length > 0) {
    const id = queue.shift()!;
    order.push(id);
    queue.push(...tree.nodes[id].childIds);
  }
  const index = new Map(order.map((id, i) => [id, i]));
  return {
    nodes: order.map((id, i) => {
      const node = tree.nodes[id];
      return {
        id: i,
        tokenIds: id === ROOT_ID ? [] : [node.tokenId],
        text: id === ROOT_ID ? '' : tokenText(node.tokenId),
        probability: id === ROOT_ID ? 1 : node.probability,
        children: node.childIds.map((child) => index.get(child)!),
        ...(id === ROOT_ID ? {} : { how: node.how, sampledProbability: node.sampledProbability, seed: node.seed }),
      };
    }),
    selectedNodeId: index.get(tree.currentId) ?? 0,
  };
}

/**
 * The record's tree → a lab tree. Edges of several tokens (written by other tools) become a
 * chain of one-token nodes; the edge's probability, how it was taken and its seed stay on its
 * first node. Records without `how` (older ones, other tools) read as clicks.
 */
export function treeFromRecord(branches: Experiment['branches']): BranchTree {
  const nodes: Record<number, BranchNode> = {};
  let nextId = 0;
  type Edge = Experiment['branches']['nodes'][number];
  const add = (parentId: number | null, tokenId: number, probability: number, edge?: Edge): number => {
    const id = nextId++;
    const how = edge?.how ?? 'click';
    nodes[id] = {
      id,
      parentId,
      tokenId,
      probability,
      sampledProbability: edge?.sampledProbability ?? null,
      how,
      seed: edge?.seed ?? null,
      childIds: [],
    };
    if (parentId !== null) nodes[parentId].childIds.push(id);
    return id;
  };
  const labIdOf = new Map<number, number>();
  labIdOf.set(0, add(null, -1, 1));
  const queue = [0];
  while (queue.length > 0) {
    const recordId = queue.shift()!;
    for (const child of branches.nodes[recordId].children) {
      const edge = branches.nodes[child];
      let parent = labIdOf.get(recordId)!;
      edge.tokenIds.forEach((tokenId, i) => {
        parent = add(parent, tokenId, i === 0 ? edge.probability : 1, i === 0 ? edge : undefined);
      });
      labIdOf.set(child, parent);
      queue.push(child);
    }
  }
  return { nodes, currentId: labIdOf.get(branches.selectedNodeId) ?? ROOT_ID, nextId };
}

/**
 * The results snapshot of an analysis: per-token metrics (surprisal in bits, probability,
 * rank, entropy) and the looked-at distribution as top-N + tail mass. Shared by saving, the
 * app's re-run and the CLI's `export`, so the three compare like with like.
 */
export function resultsSnapshot(
  analysis: NonNullable<LabSnapshot['analysis']>,
  distributions: readonly NonNullable<LabSnapshot['distribution']>[],
  tokenText: (id: number) => string,
  vocabularySize: number,
): NonNullable<Experiment['results']> {
  return {
    tokenIds: [...analysis.ids],
    tokenTexts: analysis.ids.map(tokenText),
    metrics: {
      surprisalBits: analysis.positions.map((p) => (Number.isFinite(p.logProb) ? -p.logProb / Math.LN2 : null)),
      probability: analysis.positions.map((p) => Math.exp(p.logProb)),
      rank: analysis.positions.map((p) => p.rank),
      entropyNats: analysis.positions.map((p) => p.entropyNats),
    },
    distributions: distributions.map((distribution) => ({
      position: distribution.position,
      top: distribution.top.map((c) => ({
        tokenId: c.tokenId,
        text: tokenText(c.tokenId),
        probability: c.probability,
      })),
      tailMass: Math.min(1, Math.max(0, distribution.tailMass)),
      vocabularySize,
    })),
    fullVocabulary: false,
  };
}

export function labToDraft(snapshot: LabSnapshot): LabExperimentDraft {
  return {
    name: snapshot.name,
    tags: [],
    notes: '',
    model: snapshot.model,
    tokenizer: { id: snapshot.model.id, vocabularySize: snapshot.vocabularySize },
    text: snapshot.text,
    settings: { ...snapshot.settings, view: 'text', selectedPosition: snapshot.selectedPosition },
    branches: treeToRecord(snapshot.tree, snapshot.tokenText),
    results: snapshot.analysis
      ? resultsSnapshot(
          snapshot.analysis,
          snapshot.distribution ? [snapshot.distribution] : [],
          snapshot.tokenText,
          snapshot.vocabularySize,
        )
      : null,
  };
}
