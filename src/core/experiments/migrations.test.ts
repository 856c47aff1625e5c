import { describe, expect, it } from 'vitest';
import { parseExperiment } from './parse';

/**
 * Version 1 records exactly as the version 1 app stored and exported them (written out by
 * hand, not generated, so a later schema change cannot silently change the fixtures).
 */
function storedV1(model: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    schemaVersion: 1,
    id: 'b7d0c6f2-4f1e-4c55-9d57-1c0e2b5c9a10',
    name: 'Mid-word prompt',
    tags: ['tokenization'],
    notes: '',
    createdAt: '2026-10-01T09:00:00.000Z',
    updatedAt: '2026-10-02T17:30:00.000Z',
    appVersion: '0.0.9',
    model,
    tokenizer: { id: 'Xenova/gpt2', vocabularySize: 50257 },
    text: 'The capital of France is Par',
    settings: {
      temperature: 0.8,
      topK: 40,
      topP: 0.95,
      minP: 0,
      seed: 1234,
      colourMetric: 'rank',
      view: 'distribution',
      selectedPosition: 6,
    },
    branches: {
      nodes: [
        { id: 0, tokenIds: [], text: '', probability: 1, children: [1] },
        { id: 1, tokenIds: [271], text: 'is', probability: 0.91, children: [] },
      ],
      selectedNodeId: 1,
    },
    results: null,
    ...extra,
  };
}

function migrated(input: unknown) {
  const result = parseExperiment(input);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result;
}

const HASH = 'a'.repeat(64);

describe('schema migration from version 1 to version 2', () => {
  it('moves a Hub revision into the source and reports the old version', () => {
    const result = migrated(
      storedV1({ id: 'Xenova/gpt2', source: 'hub', revision: 'v1.2', dtype: 'q8', backend: 'wasm' }),
    );
    expect(result.migratedFrom).toBe(1);
    expect(result.value.schemaVersion).toBe(2);
    expect(result.value.model).toEqual({
      id: 'Xenova/gpt2',
      source: { kind: 'hub', revision: 'v1.2', fileHashes: [] },
      dtype: 'q8',
      backend: 'wasm',
    });
  });

  it('records `main` for a Hub model stored without a revision', () => {
    const result = migrated(storedV1({ id: 'Xenova/gpt2', source: 'hub', dtype: 'fp32', backend: 'webgpu' }));
    expect(result.value.model.source).toEqual({ kind: 'hub', revision: 'main', fileHashes: [] });
  });

  it('turns a folder model id into the folder name and keeps its file hashes', () => {
    const fileHashes = [{ path: 'onnx/model.onnx', sha256: HASH }];
    const result = migrated(
      storedV1({ id: 'my-finetune', source: 'folder', fileHashes, dtype: 'fp32', backend: 'wasm' }),
    );
    expect(result.value.model.source).toEqual({ kind: 'folder', folderName: 'my-finetune', fileHashes });
  });

  it('drops a revision on an embedded model, which never selected anything', () => {
    const result = migrated(
      storedV1({ id: 'sotu-gpt', source: 'embedded', revision: 'main', dtype: 'fp32', backend: 'wasm' }),
    );
    expect(result.value.model.source).toEqual({ kind: 'embedded', fileHashes: [] });
  });

  it('keeps everything else, including updatedAt: a migration is not an edit', () => {
    const input = storedV1({ id: 'sotu-gpt', source: 'embedded', dtype: 'fp32', backend: 'wasm' });
    const { schemaVersion: _from, model: _oldModel, ...unchangedInput } = input;
    const { schemaVersion: _to, model: _newModel, ...unchangedOutput } = migrated(input).value;
    expect(unchangedOutput).toEqual(unchangedInput);
  });

  it('validates a version 1 record against version 1 rules before migrating', () => {
    const result = parseExperiment(
      storedV1({ id: 'Xenova/gpt2', source: 'hub', revision: 'main', dtype: 'int3', backend: 'wasm' }),
    );
    expect(result).toEqual({
      ok: false,
      errors: ['model.dtype: Invalid option: expected one of "fp32"|"fp16"|"q8"|"q4"|"q4f16"'],
    });
  });

  it('refuses a version 2 source shape in a record that says version 1', () => {
    const result = parseExperiment(
      storedV1({ id: 'Xenova/gpt2', source: { kind: 'hub', revision: 'main' }, dtype: 'q8', backend: 'wasm' }),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(/^model\.source: /);
  });

  it('refuses records from a newer app and records with no version', () => {
    expect(parseExperiment({ ...storedV1({}), schemaVersion: 3 })).toEqual({
      ok: false,
      errors: ['schemaVersion: 3 is newer than this app understands (2); update Tokenscope to open it'],
    });
    expect(parseExperiment({ name: 'x' })).toEqual({
      ok: false,
      errors: ['schemaVersion: missing or not a positive integer'],
    });
    expect(parseExperiment('{"schemaVersion":2}')).toEqual({
      ok: false,
      errors: ['(record): expected an object, received string'],
    });
  });
});
