/**
 * Export files of many realistic experiments, for the storage end-to-end tests and the
 * benchmark (test support: the app never imports this file).
 */
import { createExportFile, exampleExperiment, type Experiment } from '../core/experiments';

export interface ExampleFileOptions {
  /** Ids are `${idPrefix}-${index}`; names `${namePrefix} ${index}`. */
  idPrefix?: string;
  namePrefix?: string;
  /** Index of the first record, so several files can hold different records. */
  firstIndex?: number;
  /** Tokens per text (300: about 1.4 kB of text and a 15 kB record). */
  positions?: number;
}

/** `count` experiments, one second apart (the last is the newest). */
export function exampleExperiments(count: number, options: ExampleFileOptions = {}): Experiment[] {
  const { idPrefix = 'example', namePrefix = 'Example', firstIndex = 0, positions = 300 } = options;
  const start = Date.parse('2026-11-01T00:00:00.000Z');
  return Array.from({ length: count }, (_, k) => {
    const index = firstIndex + k;
    const createdAt = new Date(start + index * 1_000).toISOString();
    return exampleExperiment({
      id: `${idPrefix}-${index}`,
      name: `${namePrefix} ${index}`,
      seed: index + 1,
      positions,
      distributions: 1,
      createdAt,
    });
  });
}

/** The same as an export file's text. */
export function exampleExportFile(count: number, options: ExampleFileOptions = {}): string {
  return createExportFile(exampleExperiments(count, options), { exportedAt: '2026-12-01T00:00:00.000Z' });
}
