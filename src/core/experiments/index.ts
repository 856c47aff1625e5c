/**
 * Experiment records: schema (versioned), migrations, parsing, export/import files, share
 * links and CSV. Pure: no DOM, no storage. Nothing here produces HTML.
 */
export { LIMITS } from './bounds';
export {
  CURRENT_SCHEMA_VERSION,
  experimentSchema,
  experimentV1Schema,
  experimentV2Schema,
  type BranchNode,
  type BranchTree,
  type DistributionSnapshot,
  type Experiment,
  type ExperimentModel,
  type ExperimentSettings,
  type ExperimentV1,
  type ModelSourceRecord,
  type ResultsSnapshot,
} from './schema';
export { migrateToCurrent, migrateV1ToV2 } from './migrations';
export { formatIssues, formatPath, parseExperiment, type ExperimentParseResult, type ParseResult } from './parse';
export {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  createExportFile,
  parseImportFile,
  type ExportFile,
  type ImportResult,
  type SkippedRecord,
} from './importExport';
export { MAX_SHARE_LINK_LENGTH, decodeShareLink, encodeShareLink, shareInputsOf, type ShareInputs } from './shareLink';
export { csvField, neutraliseFormula, perTokenCsv } from './csv';
export { exampleExperiment, type ExampleOptions } from './examples';
export {
  REPRODUCTION_TOLERANCE,
  compareDistributions,
  compareExperiments,
  modelFileDifferences,
  reproduces,
  summarise,
  type Comparison,
  type ComparedSide,
  type DistributionDifference,
  type PositionDifference,
  type SideSummary,
} from './compare';
