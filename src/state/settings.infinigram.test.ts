/** The infini-gram API settings: off by default, a validated host, an index from the list. */
import { describe, expect, it } from 'vitest';
import { INFINI_GRAM_API_ENDPOINT, INFINI_GRAM_INDEXES } from '../core/ngram/infiniGramApiTypes';
import {
  DEFAULT_INFINI_GRAM_INDEX,
  DEFAULT_SETTINGS,
  infiniGramHostProblem,
  readStoredSettings,
  storeSettings,
} from './settings';

function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

describe('infini-gram API settings', () => {
  it('are off by default, on the public API and a Llama 2 index', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      infiniGramApi: false,
      infiniGramUrl: INFINI_GRAM_API_ENDPOINT,
      infiniGramIndex: 'v4_rpj_llama_s4',
    });
    expect(INFINI_GRAM_INDEXES.find((i) => i.name === DEFAULT_INFINI_GRAM_INDEX)?.tokenizer).toBe('llama-2');
  });

  it('round-trip, and settings stored before they existed read as off', () => {
    const store = memoryStorage();
    storeSettings(
      {
        ...DEFAULT_SETTINGS,
        infiniGramApi: true,
        infiniGramUrl: 'http://127.0.0.1:4319/',
        infiniGramIndex: 'v4_piletrain_llama',
      },
      store,
    );
    expect(readStoredSettings(store)).toMatchObject({
      infiniGramApi: true,
      infiniGramUrl: 'http://127.0.0.1:4319/',
      infiniGramIndex: 'v4_piletrain_llama',
    });
    store.setItem('tokenscope.settings.v1', JSON.stringify({ topN: 7 }));
    expect(readStoredSettings(store)).toMatchObject({ topN: 7, infiniGramApi: false });
  });

  it('fall back to the default for an index no longer listed or a host that is not http(s), keeping the other settings', () => {
    const store = memoryStorage();
    store.setItem(
      'tokenscope.settings.v1',
      JSON.stringify({
        topN: 7,
        infiniGramApi: true,
        infiniGramIndex: 'v3_gone',
        infiniGramUrl: 'javascript:alert(1)',
      }),
    );
    expect(readStoredSettings(store)).toMatchObject({
      topN: 7,
      infiniGramApi: true,
      infiniGramIndex: DEFAULT_INFINI_GRAM_INDEX,
      infiniGramUrl: INFINI_GRAM_API_ENDPOINT,
    });
  });

  it('validate the host as the Hub host is validated', () => {
    expect(infiniGramHostProblem('https://api.infini-gram.io/')).toBeNull();
    expect(infiniGramHostProblem(' http://127.0.0.1:4319/delay-20000/ ')).toBeNull();
    for (const bad of ['', 'api.infini-gram.io', 'ftp://a.example/', 'javascript:alert(1)']) {
      expect(infiniGramHostProblem(bad)).toBe(
        'The infini-gram API host must be an http(s) URL, like https://api.infini-gram.io/.',
      );
    }
  });
});
