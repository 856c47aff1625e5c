import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, readStoredSettings, settingsFromQuery, storeSettings } from './settings';

function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

describe('settings', () => {
  it('round-trips through storage', () => {
    const store = memoryStorage();
    storeSettings({ ...DEFAULT_SETTINGS, backend: 'wasm', topN: 7 }, store);
    expect(readStoredSettings(store)).toEqual({ ...DEFAULT_SETTINGS, backend: 'wasm', topN: 7 });
  });

  it('falls back to defaults for corrupt or invalid stored values', () => {
    const store = memoryStorage();
    store.setItem('tokenscope.settings.v1', '{not json');
    expect(readStoredSettings(store)).toEqual(DEFAULT_SETTINGS);
    store.setItem('tokenscope.settings.v1', JSON.stringify({ backend: 'cuda', topN: 5 }));
    expect(readStoredSettings(store)).toEqual(DEFAULT_SETTINGS);
  });

  it('reads overrides from the URL and ignores invalid ones', () => {
    expect(settingsFromQuery('?backend=wasm&hub=http://127.0.0.1:9000/&topN=5')).toEqual({
      backend: 'wasm',
      hubUrl: 'http://127.0.0.1:9000/',
      topN: 5,
    });
    expect(settingsFromQuery('?backend=gpu&topN=0')).toEqual({});
  });

  it('keeps the theme, follows the system by default, and drops an unknown theme alone', () => {
    expect(DEFAULT_SETTINGS.theme).toBe('system');
    const store = memoryStorage();
    storeSettings({ ...DEFAULT_SETTINGS, theme: 'dark' }, store);
    expect(readStoredSettings(store).theme).toBe('dark');
    store.setItem('tokenscope.settings.v1', JSON.stringify({ theme: 'sepia', topN: 5 }));
    expect(readStoredSettings(store)).toEqual({ ...DEFAULT_SETTINGS, topN: 5 });
  });
});
