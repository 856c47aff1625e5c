/**
 * The infini-gram answer cache, in memory and in IndexedDB (fake-indexeddb), in front of the
 * client talking to the loopback test double: a repeated query never reaches the server.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfiniGramServer, type InfiniGramServer } from '../../tools/infinigram-server.mjs';
import { createInfiniGramApi, InfiniGramApiError } from '../core/ngram/infiniGramApi';
import { DATABASE_NAME } from './database';
import {
  createMemoryInfiniGramCache,
  INFINI_GRAM_CACHE_DATABASE,
  infiniGramCacheKey,
  openInfiniGramCache,
  withCache,
  type InfiniGramCache,
} from './infiniGramCache';

const INDEX = 'v4_pileval_llama';
let server: InfiniGramServer;
let counter = 0;
const freshName = () => `tokenscope-infinigram-cache-test-${process.pid}-${++counter}`;
const api = (path = '') => createInfiniGramApi({ endpoint: server.url + path, index: INDEX });

beforeAll(async () => {
  server = await startInfiniGramServer({ indexes: [INDEX] });
});
afterAll(() => server.close());

/** Runs every query type twice through a cached client; the second round must not reach the server. */
async function expectSecondRoundCached(cache: InfiniGramCache) {
  const cached = withCache(api(), cache);
  const round = () =>
    Promise.all([
      cached.count([450]),
      cached.probability([450], 4996),
      cached.nextTokenDistribution([450]),
      cached.nextTokenDistribution([450], { maxSupport: 2 }),
      cached.infiniGramProbability([1, 17366], 11203),
      cached.infiniGramDistribution([1, 17366]),
      cached.searchDocuments([17366], 2),
    ]);
  const before = server.requests.length;
  const first = await round();
  const firstRequests = server.requests.length - before;
  expect(firstRequests).toBe(6 + 3); // the search is a find and two documents
  const second = await round();
  expect(server.requests.length - before).toBe(firstRequests);
  expect(second).toEqual(first);
  return first;
}

describe('infini-gram cache keys', () => {
  it('tell endpoint, index, query type, ids and options apart, and ignore undefined options', () => {
    const key = infiniGramCacheKey('https://a/', 'i', 'ntd', [1, 2], { maxSupport: 10 });
    expect(infiniGramCacheKey('https://a/', 'i', 'ntd', [1, 2], { maxSupport: 10, other: undefined })).toBe(key);
    for (const other of [
      infiniGramCacheKey('https://b/', 'i', 'ntd', [1, 2], { maxSupport: 10 }),
      infiniGramCacheKey('https://a/', 'j', 'ntd', [1, 2], { maxSupport: 10 }),
      infiniGramCacheKey('https://a/', 'i', 'infgram_ntd', [1, 2], { maxSupport: 10 }),
      infiniGramCacheKey('https://a/', 'i', 'ntd', [12], { maxSupport: 10 }),
      infiniGramCacheKey('https://a/', 'i', 'ntd', [1, 2]),
    ]) {
      expect(other).not.toBe(key);
    }
  });
});

describe('memory infini-gram cache', () => {
  it('answers a repeated query of every type without the server', async () => {
    await expectSecondRoundCached(createMemoryInfiniGramCache());
  });

  it('does not cache failures', async () => {
    const cached = withCache(api('status-500/'), createMemoryInfiniGramCache());
    await expect(cached.count([450])).rejects.toBeInstanceOf(InfiniGramApiError);
    await expect(cached.count([450])).rejects.toBeInstanceOf(InfiniGramApiError);
    expect(server.requests.filter((r) => r.path === '/status-500/').length).toBe(2);
  });

  it('drops the oldest entries past its size', async () => {
    const cache = createMemoryInfiniGramCache(2);
    for (const key of ['a', 'b', 'c']) await cache.put(key, key);
    expect(await cache.size()).toBe(2);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('c')).toBe('c');
  });
});

describe('IndexedDB infini-gram cache', () => {
  it('uses a database of its own, not the experiments database', () => {
    expect(INFINI_GRAM_CACHE_DATABASE).not.toBe(DATABASE_NAME);
  });

  it('answers a repeated query of every type without the server, also after reopening', async () => {
    const name = freshName();
    const cache = await openInfiniGramCache({ name });
    const first = await expectSecondRoundCached(cache);
    cache.close();

    const reopened = await openInfiniGramCache({ name });
    const before = server.requests.length;
    expect(await withCache(api(), reopened).searchDocuments([17366], 2)).toEqual(first[6]);
    expect(server.requests.length).toBe(before);
    expect(await reopened.size()).toBe(7);
    await reopened.clear();
    expect(await reopened.size()).toBe(0);
    reopened.close();
  });

  it('drops the oldest answers past maxEntries', async () => {
    let clock = 0;
    const cache = await openInfiniGramCache({ name: freshName(), maxEntries: 3, now: () => ++clock });
    for (const key of ['a', 'b', 'c', 'd', 'e']) await cache.put(key, { key });
    expect(await cache.size()).toBe(3);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('e')).toEqual({ key: 'e' });
    cache.close();
  });

  it('falls through to the network when the cache is closed', async () => {
    const cache = await openInfiniGramCache({ name: freshName() });
    cache.close();
    const before = server.requests.length;
    expect((await withCache(api(), cache).count([450])).count).toBe(3);
    expect(server.requests.length).toBe(before + 1);
  });

  it('closes itself rather than block another tab upgrading its database', async () => {
    const name = freshName();
    const cache = await openInfiniGramCache({ name });
    // Resolving at all shows the open cache did not block the upgrade.
    const newer = await openDB(name, 2);
    newer.close();
    await expect(cache.get('x')).rejects.toThrow(/closed/);
  });
});
