/**
 * `export`: reads experiment JSON files (the app's export format, or one bare record), re-runs
 * each experiment headlessly on its model (or on --model) and says whether the numbers
 * reproduce: the per-token metrics and the kept distributions, within float32 tolerances
 * (core/experiments/compare.ts). The re-run goes through the same functions as the app:
 * tokenize, analyze after the start token, the row at the saved position, distributionView.
 */
import { readFile } from 'node:fs/promises';
import {
  compareExperiments,
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  modelFileDifferences,
  parseImportFile,
  REPRODUCTION_TOLERANCE,
  reproduces,
  type Experiment,
} from '../core/experiments';
import { pathTokens } from '../core/lab/branchTree';
import { distributionView } from '../core/lab/distributionView';
import { resultsSnapshot, treeFromRecord } from '../core/lab/experimentRecord';
import { Engine } from '../engine/engine';
import type { ModelSource } from '../protocol/model';
import { resolveModelArgument, UsageError, type CliArgs } from './args';
import { createNodeRuntime, EMBEDDED_MODELS_DIR } from '../engine/nodeRuntime';

export interface ExperimentVerdict {
  file: string;
  id: string;
  name: string;
  model: string;
  /** true / false; null when the record kept no results to compare with. */
  reproduced: boolean | null;
  problems: string[];
  positionsCompared: number;
  maxAbsDeltaBits: number | null;
  rankChanges: number | null;
  distributionsCompared: number;
  /** How the model files differ from the saved ones by SHA-256 ([] the same; null: the record kept no hashes). */
  modelFileDifferences: string[] | null;
}

/** Records of one file: an export file, or a single record as the app stores it. */
async function recordsOf(file: string): Promise<{ experiments: Experiment[]; skipped: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  let parsed = parseImportFile(text);
  if (!parsed.ok) {
    // A bare record (not wrapped in an export file) is accepted too.
    const wrapped = parseImportFile(
      JSON.stringify({
        format: EXPORT_FORMAT,
        version: EXPORT_FORMAT_VERSION,
        exportedAt: new Date(0).toISOString(),
        experiments: [safeJson(text)],
      }),
    );
    if (!wrapped.ok || wrapped.experiments.length === 0)
      throw new UsageError(`${file} is not an experiments file: ${parsed.error}`);
    parsed = wrapped;
  }
  return {
    experiments: parsed.experiments,
    skipped: parsed.skipped.map((s) => `record ${s.index + 1}: ${s.reasons.join('; ')}`),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function sourceOf(record: Experiment): ModelSource {
  const { model } = record;
  if (model.source.kind === 'embedded') return { kind: 'embedded', id: model.id };
  if (model.source.kind === 'hub') return { kind: 'hub', id: model.id, revision: model.source.revision };
  throw new UsageError(
    `"${record.name}" used the local folder “${model.source.folderName}”: pass it with --model <folder>.`,
  );
}

/** Re-runs one record on a loaded engine: the same results snapshot the app would save. */
export async function rerunResults(engine: Engine, record: Experiment): Promise<NonNullable<Experiment['results']>> {
  const textIds = engine.tokenize({ text: record.text, addSpecialTokens: false }).ids;
  const ids = [...textIds, ...pathTokens(treeFromRecord(record.branches))];
  const analysis = await engine.analyze({ ids });
  const settings = record.settings;
  const distributions = [];
  for (const saved of record.results?.distributions ?? []) {
    if (saved.position > ids.length) continue;
    const row = await engine.row({ ids, position: saved.position });
    const view = distributionView(row.logits, settings, saved.top.length, null);
    distributions.push({
      position: saved.position,
      top: view.rows.map((r) => ({ tokenId: r.tokenId, probability: r.probability })),
      tailMass: view.tail.probability,
    });
  }
  const tokens = engine.vocabulary().tokens;
  return resultsSnapshot(
    { ids, positions: analysis.positions },
    distributions,
    (id) => tokens[id] ?? `#${id}`,
    engine.modelInfo!.vocabSize,
  );
}

export async function exportOutput(args: CliArgs, modelGiven: boolean) {
  const engines = new Map<string, Engine>();
  const verdicts: ExperimentVerdict[] = [];
  const skipped: string[] = [];
  try {
    for (const file of args.inputs) {
      const records = await recordsOf(file);
      skipped.push(...records.skipped.map((s) => `${file}: ${s}`));
      for (const record of records.experiments) {
        const source = modelGiven ? resolveModelArgument(args.model, EMBEDDED_MODELS_DIR) : sourceOf(record);
        const key = JSON.stringify(source);
        let engine = engines.get(key);
        if (!engine) {
          engine = new Engine(createNodeRuntime({ allowNetwork: args.allowNetwork, hubUrl: args.hubUrl }));
          await engine.load({ source, backend: 'wasm', dtype: 'auto' });
          engines.set(key, engine);
        }
        const fresh = await rerunResults(engine, record);
        const base = {
          file,
          id: record.id,
          name: record.name,
          model: engine.modelInfo!.label,
          modelFileDifferences: modelFileDifferences(record.model.source.fileHashes, await engine.fileHashes()),
        };
        if (!record.results) {
          verdicts.push({
            ...base,
            reproduced: null,
            problems: ['the record kept no results: re-ran, nothing to compare'],
            positionsCompared: 0,
            maxAbsDeltaBits: null,
            rankChanges: null,
            distributionsCompared: 0,
          });
          continue;
        }
        const comparison = compareExperiments(
          { name: record.name, modelId: record.model.id, text: record.text, results: record.results },
          { name: 're-run', modelId: base.model, text: record.text, results: fresh },
        );
        const verdict = reproduces(comparison);
        verdicts.push({
          ...base,
          reproduced: verdict.ok,
          problems: verdict.problems,
          positionsCompared: comparison.kind === 'positions' ? comparison.rows.length : 0,
          maxAbsDeltaBits: comparison.kind === 'positions' ? comparison.maxAbsDeltaBits : null,
          rankChanges: comparison.kind === 'positions' ? comparison.rankChanges : null,
          distributionsCompared: comparison.kind === 'positions' ? comparison.distributions.length : 0,
        });
      }
    }
  } finally {
    for (const engine of engines.values()) await engine.unload();
  }
  return {
    tolerance: REPRODUCTION_TOLERANCE,
    experiments: verdicts,
    skipped,
    allReproduced: verdicts.every((v) => v.reproduced !== false),
  };
}
