/**
 * The batch core (issue 18), for the app and the CLI:
 *
 * - definition.ts: the BatchDefinition v1 schema (parseBatchDefinition), modelKey, limits
 * - prompts.ts: prompts from pasted lines, JSONL or CSV (parsePrompts), errors naming the line
 * - tasks.ts: batchCells, batchTasks (canonical order), taskSeed, shardTasks, batchId
 * - results.ts: SampleResult, resultLine (canonical JSONL), parseResultFile, mergeResultFiles
 * - match.ts: matchAnswer (exact, normalised, prefix, regex), normaliseAnswer
 * - statistics.ts: cellStatistics (accuracy, Wilson 95% interval, entropy), batchTable
 * - stepStats.ts: a step's log-probability and entropy in one pass
 * - scoring.ts: the scoring set (GLTR rank buckets and mean surprisal per text and overall)
 * - examples/: the bundled sets (bundled:tom, bundled:scoring)
 *
 * The runner over an engine is src/engine/batchRunner.ts; the CLI src/cli/batch.ts.
 */
export * from './definition';
export * from './prompts';
export * from './tasks';
export * from './results';
export * from './stepStats';
export * from './scoring';
export * from './examples';
