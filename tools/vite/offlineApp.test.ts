import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Rolldown } from 'vite';
import { shellPaths } from './offlineApp.mjs';

describe('shellPaths', () => {
  let publicDir = '';
  afterEach(() => rmSync(publicDir, { recursive: true, force: true }));

  it('is every emitted file and the files directly in public/, without source maps, sw.js or the model folders', () => {
    publicDir = mkdtempSync(join(tmpdir(), 'tokenscope-public-'));
    writeFileSync(join(publicDir, 'manifest.webmanifest'), '{}');
    writeFileSync(join(publicDir, 'icon.svg'), '<svg/>');
    mkdirSync(join(publicDir, 'models', 'sotu-gpt'), { recursive: true });
    writeFileSync(join(publicDir, 'models', 'sotu-gpt', 'config.json'), '{}');
    const bundle = Object.fromEntries(
      ['index.html', 'assets/index-abc.js', 'assets/index-abc.js.map', 'embedded-models.json', 'sw.js'].map((name) => [
        name,
        {},
      ]),
    ) as unknown as Rolldown.OutputBundle;
    expect(shellPaths(bundle, publicDir)).toEqual([
      'assets/index-abc.js',
      'embedded-models.json',
      'icon.svg',
      'index.html',
      'manifest.webmanifest',
    ]);
  });
});
