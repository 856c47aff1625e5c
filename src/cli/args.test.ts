import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseArgs, resolveModelArgument, UsageError } from './args';
import { EMBEDDED_MODELS_DIR } from './nodeRuntime';

describe('parseArgs', () => {
  it('reads a command, a file and options', () => {
    expect(parseArgs(['score', 'speech.txt', '--model', 'sotu-gpt', '--top-k', '3', '--stride', '64', '--pretty'])).toMatchObject({
      command: 'score', input: 'speech.txt', model: 'sotu-gpt', topK: 3, strideTokens: 64, pretty: true, allowNetwork: false,
    });
  });

  it('defaults to the embedded sotu-gpt model', () => {
    expect(parseArgs(['tokenize', '-']).model).toBe('sotu-gpt');
  });

  it('rejects what it does not understand, with a reason', () => {
    expect(() => parseArgs([])).toThrow('Missing command.');
    expect(() => parseArgs(['generate', 'x'])).toThrow(/Unknown command "generate"/);
    expect(() => parseArgs(['score'])).toThrow(/needs a text file/);
    expect(() => parseArgs(['score', 'x', '--top-k', '0'])).toThrow(/--top-k needs a positive integer/);
    expect(() => parseArgs(['score', 'x', '--verbose'])).toThrow(UsageError);
  });
});

describe('resolveModelArgument', () => {
  it('tells folders, embedded ids and Hub ids apart', () => {
    const folder = mkdtempSync(`${tmpdir()}/tokenscope-model-`);
    expect(resolveModelArgument(folder, EMBEDDED_MODELS_DIR)).toEqual({ kind: 'path', path: folder });
    expect(resolveModelArgument('sotu-gpt', EMBEDDED_MODELS_DIR)).toEqual({ kind: 'embedded', id: 'sotu-gpt' });
    expect(resolveModelArgument('Xenova/gpt2', EMBEDDED_MODELS_DIR)).toEqual({ kind: 'hub', id: 'Xenova/gpt2' });
    expect(() => resolveModelArgument('no-such-model', EMBEDDED_MODELS_DIR)).toThrow(/neither a folder nor an embedded model/);
  });
});
