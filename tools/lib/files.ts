/** File helpers for the build tools: clear failures, and folders that appear whole or not at all. */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Generated data (corpus, token files, checkpoints): ignored by git. */
export const cacheDir = join(repoRoot, '.cache');

/** A failure with a message meant for the person running the tool (no stack trace needed). */
export class ToolError extends Error {}

export function fail(message: string): never {
  throw new ToolError(message);
}

/** Runs a tool's entry point: a ToolError prints as one `error:` line and exits with 1. */
export async function runTool(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
}

/** Ensures a folder exists and can be written, or stops with a message naming it. */
export function ensureWritableDir(dir: string) {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    fail(`cannot write to ${dir}: ${(err as Error).message}`);
  }
}

/**
 * Builds a folder in a temporary sibling and moves it into place only when `build` finished,
 * so that a failed run never leaves a half-written folder behind.
 */
export async function writeFolderAtomically(finalDir: string, build: (tmpDir: string) => Promise<void> | void) {
  ensureWritableDir(dirname(finalDir));
  const tmpDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  try {
    await build(tmpDir);
  } catch (err) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
  const oldDir = `${finalDir}.old-${process.pid}`;
  if (existsSync(finalDir)) renameSync(finalDir, oldDir);
  renameSync(tmpDir, finalDir);
  rmSync(oldDir, { recursive: true, force: true });
}

/** JSON with two-space indentation and a final newline, so rebuilds diff cleanly. */
export function writeJson(path: string, value: unknown) {
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

export function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) fail(`${what} not found at ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    fail(`${what} at ${path} is not valid JSON: ${(err as Error).message}`);
  }
}
