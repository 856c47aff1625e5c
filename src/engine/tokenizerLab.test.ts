/**
 * The tokenizer lab's worker side on the real tokenizer files in public/tokenizers (copied by
 * `npm run tokenizers`) and sotu-gpt's own tokenizer, read from disk instead of fetched.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeRuntime, EMBEDDED_MODELS_DIR, REPO_ROOT } from './nodeRuntime';
import { Engine } from './engine';
import { EngineError } from './errors';
import { MODEL_TOKENIZER_ID, type LabProgress, type LabRowOk } from '../protocol/tokenizerLab';
import { TokenizerLab, type ModelTokenizerFiles, type TokenizerFiles } from './tokenizerLab';

const TOKENIZERS_DIR = join(REPO_ROOT, 'public', 'tokenizers');

/** Files from public/tokenizers, with replacements, and a log of what was read. */
function diskFiles(replace: Record<string, string | null> = {}): TokenizerFiles & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    where: (path) => join(TOKENIZERS_DIR, path),
    read: async (path) => {
      reads.push(path);
      if (path in replace) return replace[path];
      const file = join(TOKENIZERS_DIR, path);
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    },
  };
}

const sotuGpt: ModelTokenizerFiles = {
  key: 'embedded:sotu-gpt',
  label: 'sotu-gpt',
  tokenizerJson: JSON.parse(readFileSync(join(EMBEDDED_MODELS_DIR, 'sotu-gpt', 'tokenizer.json'), 'utf8')),
  tokenizerConfig: JSON.parse(readFileSync(join(EMBEDDED_MODELS_DIR, 'sotu-gpt', 'tokenizer_config.json'), 'utf8')),
};

const TEXT = 'Tokenizers cut 12345 apples 😀 in 2024, naïve café, 𓀀!';
const utf8 = (s: string) => new TextEncoder().encode(s);

function ok(row: { status: string }): LabRowOk {
  expect(row).toMatchObject({ status: 'ok' });
  return row as LabRowOk;
}

describe('TokenizerLab', () => {
  it('lists the loaded model first, then every shipped tokenizer with algorithm, vocabulary and download size, fetching only index.json', async () => {
    const files = diskFiles();
    const lab = new TokenizerLab(files, () => sotuGpt);
    const list = await lab.list();
    expect(list.map((t) => t.id)).toEqual([
      MODEL_TOKENIZER_ID,
      'gpt2',
      'gpt-4o',
      'llama-2',
      'llama-3',
      'qwen3',
      'gemma-3',
      'deepseek-v3',
      'mistral-7b',
    ]);
    expect(list[0]).toMatchObject({
      label: 'sotu-gpt (loaded model)',
      kind: 'model',
      algorithm: 'byte-level BPE',
      ready: true,
      downloadBytes: 0,
    });
    const gpt2 = list.find((t) => t.id === 'gpt2')!;
    expect(gpt2).toMatchObject({
      label: 'GPT-2',
      algorithm: 'byte-level BPE',
      vocabularySize: 50257,
      ready: false,
      kind: 'shipped',
    });
    // What selecting it fetches: the digest the lab builds it from, and its config (not tokenizer.json).
    const manifest = JSON.parse(readFileSync(join(TOKENIZERS_DIR, 'index.json'), 'utf8'));
    const gpt2Files = manifest.tokenizers.find((t: { id: string }) => t.id === 'gpt2').files;
    expect(gpt2.downloadBytes).toBe(gpt2Files['tokenizer.digest.json'] + gpt2Files['tokenizer_config.json']);
    expect(gpt2.downloadBytes).toBeGreaterThan(500_000);
    expect(list.find((t) => t.id === 'llama-2')!.algorithm).toBe('SentencePiece BPE with byte fallback');
    expect(files.reads).toEqual(['index.json']);
  });

  it('tokenizes one text with three tokenizers: byte offsets tile the text, counts match the metrics, tokenizers load once', async () => {
    const files = diskFiles();
    const lab = new TokenizerLab(files, () => null);
    const result = await lab.tokenize({ tokenizerIds: ['gpt2', 'llama-2', 'qwen3'], text: TEXT });
    expect(result.textBytes).toBe(utf8(TEXT).length);
    expect(result.shownBytes).toBe(result.textBytes);
    for (const row of result.rows.map(ok)) {
      expect(row.tokens).toHaveLength(row.tokenCount);
      expect(row.metrics.tokens).toBe(row.tokenCount);
      expect(row.tokens[row.tokens.length - 1].end).toBe(result.textBytes);
      for (let i = 1; i < row.tokens.length; i++)
        expect(row.tokens[i].start).toBeGreaterThanOrEqual(row.tokens[i - 1].start);
      expect(row.tokens.some((t) => t.text.includes('\uFFFD'))).toBe(false);
    }
    const [gpt2, llama2] = result.rows.map(ok);
    expect(gpt2.metrics.numbers.runs.find((r) => r.text === '12345')!.pieces).toEqual([3, 2]);
    expect(llama2.metrics.numbers.runs.find((r) => r.text === '12345')!.pieces).toEqual([1, 1, 1, 1, 1]);
    // Llama 2 has no token for the hieroglyph 𓀀: four byte-fallback tokens, one byte each.
    const glyphStart = utf8(TEXT.slice(0, TEXT.indexOf('𓀀'))).length;
    const glyph = llama2.tokens.filter((t) => t.start >= glyphStart && t.end <= glyphStart + 4);
    expect(glyph.map((t) => t.byteFallback)).toEqual([true, true, true, true]);
    expect(glyph.map((t) => t.text)).toEqual(['\\xF0', '\\x93', '\\x80', '\\x80']);
    await lab.tokenize({ tokenizerIds: ['gpt2', 'qwen3'], text: 'again' });
    expect(files.reads.filter((p) => p === 'gpt2/tokenizer.digest.json')).toHaveLength(1);
    expect(files.reads.some((p) => p.endsWith('/tokenizer.json'))).toBe(false);
    expect(files.reads.some((p) => p.startsWith('gemma-3/'))).toBe(false);
  });

  it('reports each row as progress as soon as it is done, after a loading notice for a tokenizer not yet in memory', async () => {
    // GPT-2's files arrive only after the lab says it waits for them: a slow download.
    const files = diskFiles();
    const read = files.read;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    files.read = async (path) => (path.startsWith('gpt2/') ? released.then(() => read(path)) : read(path));
    const lab = new TokenizerLab(files, () => sotuGpt);
    const progress: LabProgress[] = [];
    await lab.tokenize(
      { tokenizerIds: [MODEL_TOKENIZER_ID, 'gpt2'], text: 'Hello world' },
      {
        onProgress: (p) => {
          progress.push(p);
          if (p.phase === 'loading') release();
        },
      },
    );
    expect(progress.map((p) => `${p.phase}:${p.tokenizerId}:${p.done}/${p.total}${p.row ? ':row' : ''}`)).toEqual([
      'tokenizing:model:0/2',
      'tokenizing:model:1/2:row',
      'loading:gpt2:1/2',
      'tokenizing:gpt2:1/2',
      'tokenizing:gpt2:2/2:row',
    ]);
  });

  it('works on each tokenizer as soon as it is ready and gives the rows in the order asked', async () => {
    // Qwen3's files come last, though asked first: GPT-2's row is made while they download.
    const files = diskFiles();
    const read = files.read;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    files.read = async (path) => (path.startsWith('qwen3/') ? released.then(() => read(path)) : read(path));
    const lab = new TokenizerLab(files, () => null);
    const progress: LabProgress[] = [];
    const result = await lab.tokenize(
      { tokenizerIds: ['qwen3', 'gpt2'], text: 'Hello world' },
      {
        onProgress: (p) => {
          progress.push(p);
          if (p.row) release();
        },
      },
    );
    expect(progress.map((p) => `${p.phase}:${p.tokenizerId}:${p.done}/${p.total}${p.row ? ':row' : ''}`)).toEqual([
      'loading:qwen3:0/2',
      'tokenizing:gpt2:0/2',
      'tokenizing:gpt2:1/2:row',
      'tokenizing:qwen3:1/2',
      'tokenizing:qwen3:2/2:row',
    ]);
    expect(result.rows.map((row) => row.tokenizerId)).toEqual(['qwen3', 'gpt2']);
  });

  it("offers the loaded model's own tokenizer, and rebuilds it when another model is loaded", async () => {
    let model: ModelTokenizerFiles | null = sotuGpt;
    const lab = new TokenizerLab(diskFiles(), () => model);
    const first = ok(
      (await lab.tokenize({ tokenizerIds: [MODEL_TOKENIZER_ID], text: 'Gentlemen of the Senate' })).rows[0],
    );
    expect(first.label).toBe('sotu-gpt (loaded model)');
    expect(first.tokens.map((t) => t.text).join('')).toBe('Gentlemen of the Senate');
    model = null;
    const none = (await lab.tokenize({ tokenizerIds: [MODEL_TOKENIZER_ID], text: 'x' })).rows[0];
    expect(none).toMatchObject({ status: 'error', message: expect.stringContaining('No model is loaded') });
  });

  it('shows chips for the first bytes of a long text and measures the whole text', async () => {
    const lab = new TokenizerLab(diskFiles(), () => null);
    const text = 'The state of the Union is strong. '.repeat(300);
    const result = await lab.tokenize({ tokenizerIds: ['gpt2'], text, displayBytes: 100 });
    const row = ok(result.rows[0]);
    expect(result.shownBytes).toBe(100);
    expect(row.tokens.every((t) => t.start < 100)).toBe(true);
    expect(row.tokens[row.tokens.length - 1].end).toBeGreaterThanOrEqual(100);
    expect(row.tokenCount).toBe(row.metrics.tokens);
    expect(row.tokenCount).toBeGreaterThan(2000);
  });

  it('refuses a text over 1 MB before tokenizing', async () => {
    const files = diskFiles();
    const lab = new TokenizerLab(files, () => null);
    const error = await lab.tokenize({ tokenizerIds: ['gpt2'], text: 'a'.repeat(1_000_001) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).message).toMatch(/1,000,001 bytes\); the tokenizer lab takes up to 1.0 MB/);
    expect(files.reads).toEqual([]);
  });

  it('names the tokenizer and the file when a tokenizer is missing or truncated, and keeps the other rows', async () => {
    const lab = new TokenizerLab(
      diskFiles({
        'llama-2/tokenizer.digest.json': null,
        'qwen3/tokenizer.digest.json': '{"format":"tokenscope-bpe-digest","version":1,"vocab":["a",',
        'gpt-4o/tokenizer.digest.json': '{"format":"tokenscope-bpe-digest","version":1}',
      }),
      () => null,
    );
    const rows = (await lab.tokenize({ tokenizerIds: ['gpt2', 'llama-2', 'qwen3', 'gpt-4o'], text: 'abc' })).rows;
    expect(rows[0].status).toBe('ok');
    expect(rows[1]).toMatchObject({
      status: 'error',
      label: 'Llama 2',
      file: 'tokenizers/llama-2/tokenizer.digest.json',
      message: expect.stringMatching(/^Llama 2: tokenizers\/llama-2\/tokenizer.digest.json is missing/),
    });
    expect(rows[2]).toMatchObject({
      status: 'error',
      label: 'Qwen3',
      file: 'tokenizers/qwen3/tokenizer.digest.json',
      message: expect.stringMatching(/^Qwen3: .*cut off/),
    });
    expect(rows[3]).toMatchObject({
      status: 'error',
      label: 'GPT-4o (o200k_base)',
      file: 'tokenizers/gpt-4o/tokenizer.digest.json',
      message: expect.stringMatching(/incomplete/),
    });
  });

  it('builds from tokenizer.json when index.json lists no digest, with the same rows', async () => {
    const manifest = JSON.parse(readFileSync(join(TOKENIZERS_DIR, 'index.json'), 'utf8'));
    for (const entry of manifest.tokenizers) delete entry.files['tokenizer.digest.json'];
    const plain = diskFiles({ 'index.json': JSON.stringify(manifest) });
    const ids = ['gpt2', 'llama-2', 'qwen3'];
    const fromJson = await new TokenizerLab(plain, () => null).tokenize({ tokenizerIds: ids, text: TEXT });
    expect(plain.reads.filter((p) => p !== 'index.json' && !p.endsWith('tokenizer_config.json')).sort()).toEqual(
      ids.map((id) => `${id}/tokenizer.json`).sort(),
    );
    const digested = diskFiles();
    const fromDigest = await new TokenizerLab(digested, () => null).tokenize({ tokenizerIds: ids, text: TEXT });
    expect(digested.reads.filter((p) => p.endsWith('/tokenizer.digest.json'))).toHaveLength(3);
    const withoutTime = (rows: typeof fromJson.rows) => rows.map((row) => ({ ...row, elapsedMs: 0 }));
    expect(withoutTime(fromDigest.rows)).toEqual(withoutTime(fromJson.rows));
  });

  it('adds a tokenizer from a local file and lists it after the shipped ones', async () => {
    const lab = new TokenizerLab(diskFiles(), () => null);
    const info = await lab.add({
      kind: 'file',
      name: 'sotu-gpt tokenizer.json',
      tokenizerJson: readFileSync(join(EMBEDDED_MODELS_DIR, 'sotu-gpt', 'tokenizer.json'), 'utf8'),
    });
    expect(info).toMatchObject({
      id: 'file:sotu-gpt tokenizer.json',
      kind: 'added',
      algorithm: 'byte-level BPE',
      vocabularySize: 8192,
      ready: true,
    });
    expect((await lab.list()).at(-1)!.id).toBe(info.id);
    const row = ok((await lab.tokenize({ tokenizerIds: [info.id], text: 'Gentlemen of the Senate' })).rows[0]);
    expect(row.tokens.map((t) => t.text).join('')).toBe('Gentlemen of the Senate');
  });

  it('refuses a truncated local file with the reason', async () => {
    const lab = new TokenizerLab(diskFiles(), () => null);
    await expect(
      lab.add({ kind: 'file', name: 'broken.json', tokenizerJson: '{"model":{"type":"BPE","vocab":{' }),
    ).rejects.toThrow(/^broken.json: tokenizer.json cannot be used.*not valid JSON/);
  });

  it('adds a tokenizer from a Hub id, fetching from <host>/<id>/resolve/main/', async () => {
    const lab = new TokenizerLab(diskFiles(), () => null);
    const folders: string[] = [];
    const hubFolder = (folder: string): TokenizerFiles => {
      folders.push(folder);
      return {
        where: (path) => `${folder}${path}`,
        read: async (path) =>
          path === 'tokenizer.json' || path === 'tokenizer_config.json'
            ? readFileSync(join(TOKENIZERS_DIR, 'gpt2', path), 'utf8')
            : null,
      };
    };
    const info = await lab.add({ kind: 'hub', id: 'openai-community/gpt2', host: 'http://127.0.0.1:9/' }, hubFolder);
    expect(folders).toEqual(['http://127.0.0.1:9/openai-community/gpt2/resolve/main/']);
    expect(info).toMatchObject({
      id: 'hub:openai-community/gpt2',
      label: 'openai-community/gpt2',
      vocabularySize: 50257,
    });
    const missing = (folder: string): TokenizerFiles => ({
      where: (path) => `${folder}${path}`,
      read: async () => null,
    });
    await expect(lab.add({ kind: 'hub', id: 'someone/nothing', host: 'http://127.0.0.1:9' }, missing)).rejects.toThrow(
      'someone/nothing has no tokenizer.json (looked at http://127.0.0.1:9/someone/nothing/resolve/main/tokenizer.json)',
    );
    await expect(lab.add({ kind: 'hub', id: '../etc', host: 'http://127.0.0.1:9' }, missing)).rejects.toThrow(
      /not a Hub model id/,
    );
  });

  it('says when index.json is missing', async () => {
    const lab = new TokenizerLab(diskFiles({ 'index.json': null }), () => null);
    await expect(lab.list()).rejects.toThrow(/tokenizers\/index.json is missing.*npm run tokenizers/);
  });

  it('stops between tokenizers when cancelled', async () => {
    const lab = new TokenizerLab(diskFiles(), () => sotuGpt);
    const controller = new AbortController();
    const request = lab.tokenize(
      { tokenizerIds: [MODEL_TOKENIZER_ID, 'gpt2'], text: 'Hello' },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.row) controller.abort();
        },
      },
    );
    await expect(request).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('gives tokens per language relative to English, English at 1', async () => {
    const lab = new TokenizerLab(diskFiles(), () => null);
    const [gpt2, gpt4o] = await lab.parity(['gpt2', 'gpt-4o']);
    expect(gpt2.status).toBe('ok');
    if (gpt2.status !== 'ok' || gpt4o.status !== 'ok') return;
    expect(gpt2.languages.length).toBeGreaterThanOrEqual(10);
    expect(gpt2.languages.find((l) => l.code === 'en')!.relativeTokens).toBe(1);
    const hindi = (rows: typeof gpt2.languages) => rows.find((l) => l.code === 'hi')!.relativeTokens;
    expect(hindi(gpt2.languages)).toBeGreaterThan(hindi(gpt4o.languages));
  });

  it("gives CharBench positions of a word's characters in each tokenizer", async () => {
    const lab = new TokenizerLab(diskFiles(), () => null);
    const [gpt2] = await lab.charPositions(['gpt2'], 'tokenization');
    if (gpt2.status !== 'ok') throw new Error(gpt2.message);
    expect(gpt2.positions.map((p) => p.char).join('')).toBe('tokenization');
    expect(gpt2.tokens.map((t) => t.text)).toEqual([' token', 'ization']);
    expect(gpt2.positions[0]).toMatchObject({ char: 't', tokenLength: 6, offsetInToken: 1 });
    expect(gpt2.positions[5]).toMatchObject({ char: 'i', tokenLength: 7, offsetInToken: 0 });
  });
});

describe("TokenizerLab on the engine's loaded model", () => {
  it("gives the model row the ids the engine's own tokenizer gives", async () => {
    const engine = new Engine(createNodeRuntime());
    expect(engine.modelTokenizerFiles()).toBeNull();
    await engine.load({ source: { kind: 'embedded', id: 'sotu-gpt' }, backend: 'wasm', dtype: 'auto' });
    try {
      expect(engine.modelTokenizerFiles()).toMatchObject({ key: 'embedded:sotu-gpt', label: 'sotu-gpt' });
      const lab = new TokenizerLab(diskFiles(), () => engine.modelTokenizerFiles());
      const text = 'Fellow-Citizens of the Senate: 1789 😀 café\n';
      const row = ok((await lab.tokenize({ tokenizerIds: [MODEL_TOKENIZER_ID], text })).rows[0]);
      expect(row.tokens.map((t) => t.id)).toEqual(engine.tokenize({ text }).ids);
    } finally {
      await engine.unload();
    }
  });
});
