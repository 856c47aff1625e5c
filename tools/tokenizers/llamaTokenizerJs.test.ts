import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteSpanTokenizer } from '../../src/engine/byteSpanTokenizer';
import { llama2TokenizerFiles, readLlamaTokenizerJs } from './llamaTokenizerJs';
import { sourcePackage, LAB_TOKENIZERS } from './sources';

const dir = mkdtempSync(join(tmpdir(), 'tokenscope-llama-js-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const installed = sourcePackage(LAB_TOKENIZERS.find((s) => s.id === 'llama-2')!).tokenizerJsonPath;

/** A file laid out as llama-tokenizer.js is, with the given data. */
function fakeFile(name: string, pieces: string[], merges: [number, number][]): string {
  const vocab = Buffer.from(pieces.join('\n'), 'utf8').toString('base64');
  const pairs = Buffer.alloc(merges.length * 4);
  merges.forEach(([a, b], i) => {
    pairs.writeUInt16LE(a, i * 4);
    pairs.writeUInt16LE(b, i * 4 + 2);
  });
  const path = join(dir, name);
  writeFileSync(
    path,
    `export class LlamaTokenizer {}\nconst llama_vocab_base64 = "${vocab}"\n\nconst llama_merges_binary = "${pairs.toString('base64')}"\n`,
  );
  return path;
}

describe('readLlamaTokenizerJs', () => {
  it("reads llama-tokenizer-js 1.2.2's 32,000 pieces and 61,249 merges, in order", () => {
    const { pieces, merges } = readLlamaTokenizerJs(installed);
    expect(pieces.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect([pieces[259], pieces[29871], pieces[5613]]).toEqual(['▁▁', '▁', '▁natural']);
    expect(merges.slice(0, 3)).toEqual([
      ['▁', 't'],
      ['e', 'r'],
      ['i', 'n'],
    ]);
    expect(merges).toHaveLength(61249);
    // "▁▁" (id 259) has score -1e9 in Meta's tokenizer.model, so its merge comes last.
    expect(merges.at(-1)).toEqual(['▁', '▁']);
  });

  it('refuses a file without the data, with another vocabulary size, or with a merge that makes no piece', () => {
    writeFileSync(join(dir, 'empty.js'), 'export default {}\n');
    expect(() => readLlamaTokenizerJs(join(dir, 'empty.js'))).toThrow(/no llama_vocab_base64 string found/);
    expect(() => readLlamaTokenizerJs(fakeFile('small.js', ['<unk>', '<s>', '</s>', 'a'], []))).toThrow(
      /4 vocabulary pieces, not Llama 2's 32000/,
    );
    const pieces = ['<unk>', '<s>', '</s>', ...Array.from({ length: 31997 }, (_, i) => `p${i}`)];
    expect(() => readLlamaTokenizerJs(fakeFile('bad-merge.js', pieces, [[3, 4]]))).toThrow(
      /merge 0 is not a pair of pieces whose join is a piece/,
    );
  });
});

describe('llama2TokenizerFiles', () => {
  it('gives a tokenizer.json that transformers.js loads, with Llama 2 ids', () => {
    const { tokenizerJson, tokenizerConfig } = llama2TokenizerFiles(installed);
    const tokenizer = ByteSpanTokenizer.fromJson(tokenizerJson, tokenizerConfig);
    expect(tokenizer.description).toMatchObject({
      algorithm: 'SentencePiece BPE with byte fallback',
      vocabularySize: 32000,
    });
    expect(tokenizer.encode('natural language processing')).toEqual([5613, 4086, 9068]);
    expect(tokenizer.addsPrefixSpace).toBe(true);
  });
});
