import { describe, expect, it } from 'vitest';
import { benchmarkRepository, median } from './bench';
import { createMemoryRepository } from './storageHealth';

describe('storage benchmark', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('fills the repository and measures every operation', async () => {
    const repository = createMemoryRepository({ appVersion: 'bench' });
    const result = await benchmarkRepository(repository, { count: 20, samples: 3, positions: 50 });
    expect(await repository.count()).toBe(23); // 20 filled + 3 timed saves after filling
    expect((await repository.list({ search: 'tenth' })).experiments).toHaveLength(2);
    expect(result.count).toBe(20);
    for (const key of [
      'saveMedianMs',
      'saveWhenFullMedianMs',
      'listMedianMs',
      'searchMedianMs',
      'getMedianMs',
    ] as const) {
      expect(Number.isFinite(result[key]) && result[key] >= 0).toBe(true);
    }
    expect(result.storedBytes).toBeGreaterThan(20 * 1_000);
  });
});
