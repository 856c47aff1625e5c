import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { limitsHelp, parseArgs, resolveModelArgument, UsageError } from './args';
import { LIMITS, limitSentence } from '../core/limits';
import { EMBEDDED_MODELS_DIR } from '../engine/nodeRuntime';

describe('parseArgs', () => {
  it('reads a command, a file and options', () => {
    expect(
      parseArgs(['score', 'speech.txt', '--model', 'sotu-gpt', '--top-k', '3', '--stride', '64', '--pretty']),
    ).toMatchObject({
      command: 'score',
      input: 'speech.txt',
      model: 'sotu-gpt',
      topK: 3,
      strideTokens: 64,
      pretty: true,
      allowNetwork: false,
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

  it("reads next's sampling options, with the pipeline's defaults (filters off, temperature 1, seed 0)", () => {
    expect(parseArgs(['next', '-'])).toMatchObject({
      command: 'next',
      sampling: { temperature: 1, topK: 0, topP: 1, minP: 0 },
      seed: 0,
      top: 10,
      mode: 'sample',
    });
    expect(
      parseArgs([
        'next',
        'x',
        '--temperature',
        '0.7',
        '--top-k',
        '0',
        '--top-p',
        '0.9',
        '--min-p',
        '0.05',
        '--seed',
        '4294967295',
        '--top',
        '3',
        '--greedy',
      ]),
    ).toMatchObject({
      sampling: { temperature: 0.7, topK: 0, topP: 0.9, minP: 0.05 },
      seed: 4294967295,
      top: 3,
      mode: 'greedy',
    });
    expect(parseArgs(['next', 'x', '--top-k', '5']).sampling.topK).toBe(5);
    expect(parseArgs(['score', 'x', '--top-k', '5']).sampling.topK).toBe(0); // score's --top-k is its alternatives
  });

  it('rejects out-of-range sampling options with a usage message that names the flag', () => {
    const next =
      (...options: string[]) =>
      () =>
        parseArgs(['next', 'x', ...options]);
    expect(next('--temperature', '0')).toThrow(
      '--temperature must be a number > 0, got "0" (for the most probable token use --greedy).',
    );
    expect(next('--temperature', '-1')).toThrow(UsageError);
    expect(next('--temperature', 'Infinity')).toThrow(/--temperature must be a number > 0/);
    expect(next('--temperature', '')).toThrow(/--temperature must be a number > 0/);
    expect(next('--top-p', '1.5')).toThrow('--top-p must be a number in [0, 1] (1 = off), got "1.5".');
    expect(next('--min-p', '-0.1')).toThrow('--min-p must be a number in [0, 1] (0 = off), got "-0.1".');
    expect(next('--top-k', '-1')).toThrow('--top-k must be an integer >= 0 (0 = off), got "-1".');
    expect(next('--top-k', '2.5')).toThrow(/--top-k must be an integer >= 0/);
    expect(next('--seed', '1.5')).toThrow('--seed must be an integer in [0, 4294967295], got "1.5".');
    expect(next('--seed', '4294967296')).toThrow(/--seed must be an integer/);
    expect(next('--top', '0')).toThrow(/--top needs a positive integer/);
    expect(next('--stride', '64')).toThrow('--stride is only for score (next sees the last context-length tokens).');
    expect(() => parseArgs(['score', 'x', '--temperature', '0.5'])).toThrow('--temperature is only for next.');
    expect(() => parseArgs(['tokenize', 'x', '--greedy'])).toThrow('--greedy is only for next.');
  });
});

describe('resolveModelArgument', () => {
  it('tells folders, embedded ids and Hub ids apart', () => {
    const folder = mkdtempSync(`${tmpdir()}/tokenscope-model-`);
    expect(resolveModelArgument(folder, EMBEDDED_MODELS_DIR)).toEqual({ kind: 'path', path: folder });
    expect(resolveModelArgument('sotu-gpt', EMBEDDED_MODELS_DIR)).toEqual({ kind: 'embedded', id: 'sotu-gpt' });
    expect(resolveModelArgument('Xenova/gpt2', EMBEDDED_MODELS_DIR)).toEqual({ kind: 'hub', id: 'Xenova/gpt2' });
    expect(() => resolveModelArgument('no-such-model', EMBEDDED_MODELS_DIR)).toThrow(
      /neither a folder nor an embedded model/,
    );
  });
});

describe('limitsHelp', () => {
  it('states every input limit as core/limits does', () => {
    for (const limit of Object.values(LIMITS))
      expect(limitsHelp()).toContain(`  ${limit.where}: ${limitSentence(limit)}`);
  });
});
