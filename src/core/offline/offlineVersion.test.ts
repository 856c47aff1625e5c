import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../sha256Hex';
import { offlineVersion } from './offlineVersion';

describe('offlineVersion', () => {
  it('hashes bytes like Node does', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250]);
    expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await sha256Hex('index.html')).toBe(createHash('sha256').update('index.html').digest('hex'));
  });

  it('changes with any file’s content or name, not with their order', async () => {
    const files = [
      { path: 'index.html', sha256: 'aa' },
      { path: 'assets/index-abc.js', sha256: 'bb' },
    ];
    const version = await offlineVersion(files);
    expect(version).toMatch(/^[0-9a-f]{16}$/);
    expect(await offlineVersion([...files].reverse())).toBe(version);
    expect(await offlineVersion([files[0], { ...files[1], sha256: 'bc' }])).not.toBe(version);
    expect(await offlineVersion([files[0], { ...files[1], path: 'assets/index-abd.js' }])).not.toBe(version);
    expect(await offlineVersion([files[0]])).not.toBe(version);
  });
});
