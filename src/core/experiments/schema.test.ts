import { describe, expect, it } from 'vitest';
import { exampleExperiment } from './examples';
import { parseExperiment } from './parse';
import type { Experiment } from './schema';

/** A deep copy of a valid record with one change applied, as untyped data (like JSON from outside). */
function withChange(change: (record: any) => void, base: Experiment = exampleExperiment({ positions: 12 })): unknown {
  const record = structuredClone(base) as any;
  change(record);
  return record;
}

function errorsOf(input: unknown): string[] {
  const result = parseExperiment(input);
  if (result.ok) throw new Error('expected the record to be refused');
  return result.errors;
}

describe('experiment schema (version 2)', () => {
  it('accepts a realistic record unchanged', () => {
    const record = exampleExperiment();
    const result = parseExperiment(structuredClone(record));
    expect(result).toEqual({ ok: true, value: record, migratedFrom: null });
  });

  it('names the field and the reason when a probability is out of [0, 1]', () => {
    expect(errorsOf(withChange((r) => (r.settings.topP = 1.5)))).toEqual([
      'settings.topP: Too big: expected number to be <=1',
    ]);
  });

  it('refuses NaN and infinite numbers', () => {
    expect(errorsOf(withChange((r) => (r.settings.temperature = Infinity)))[0]).toMatch(/^settings\.temperature: /);
    expect(errorsOf(withChange((r) => (r.results.metrics.surprisalBits[3] = NaN)))).toEqual([
      'results.metrics.surprisalBits[3]: must be a number in [0, 1.7976931348623157e+308] or null (got null)',
    ]);
  });

  it('refuses a temperature of 0', () => {
    expect(errorsOf(withChange((r) => (r.settings.temperature = 0)))[0]).toMatch(/^settings\.temperature: Too small/);
  });

  it('bounds string lengths and array sizes', () => {
    expect(errorsOf(withChange((r) => (r.name = 'x'.repeat(201))))[0]).toMatch(/^name: Too big/);
    expect(errorsOf(withChange((r) => (r.tags = Array.from({ length: 33 }, (_, i) => `t${i}`))))[0]).toMatch(
      /^tags: Too big/,
    );
    expect(errorsOf(withChange((r) => (r.text = 'a'.repeat(200_001))))[0]).toMatch(/^text: Too big/);
  });

  it('refuses blank names, padded tags and repeated tags', () => {
    expect(errorsOf(withChange((r) => (r.name = '   ')))).toEqual(['name: must not be blank']);
    expect(errorsOf(withChange((r) => (r.tags = [' padded'])))[0]).toMatch(
      /^tags\[0\]: must not start or end with whitespace/,
    );
    expect(errorsOf(withChange((r) => (r.tags = ['a', 'a'])))).toEqual(['tags: must not repeat a tag']);
  });

  it('refuses an updatedAt before createdAt and timestamps that are not ISO 8601', () => {
    expect(errorsOf(withChange((r) => (r.updatedAt = '2020-01-01T00:00:00.000Z')))).toEqual([
      'updatedAt: is before createdAt',
    ]);
    expect(errorsOf(withChange((r) => (r.createdAt = 'yesterday')))[0]).toMatch(/^createdAt: Invalid ISO datetime/);
  });

  it('refuses ids that are not URL-safe', () => {
    expect(errorsOf(withChange((r) => (r.id = '../etc/passwd')))[0]).toMatch(/^id: must contain only letters/);
  });

  it('checks that per-position arrays match the number of tokens', () => {
    expect(errorsOf(withChange((r) => r.results.metrics.rank.pop()))).toEqual([
      'results.metrics.rank: has 11 entries for 12 tokens',
    ]);
    expect(errorsOf(withChange((r) => r.results.tokenTexts.push('x')))).toEqual([
      'results.tokenTexts: has 13 entries for 12 tokens',
    ]);
  });

  it('requires kept candidates and tail mass to sum to 1', () => {
    expect(errorsOf(withChange((r) => (r.results.distributions[0].tailMass = 0.9)))[0]).toMatch(
      /^results\.distributions\[0\]\.tailMass: top candidates plus tail mass sum to 1\.6/,
    );
  });

  it('keeps full vocabularies out unless the record is flagged', () => {
    const full = (r: any) => {
      const d = r.results.distributions[0];
      d.vocabularySize = 4;
      d.fullProbabilities = [0.25, 0.25, 0.25, 0.25];
    };
    expect(errorsOf(withChange(full))).toEqual([
      'results.distributions[0].fullProbabilities: is only allowed when fullVocabulary is set',
    ]);
    const flagged = withChange((r) => {
      full(r);
      r.results.fullVocabulary = true;
    });
    expect(parseExperiment(flagged).ok).toBe(true);
    const tooMany = withChange((r) => {
      r.results.distributions[0].top = Array.from({ length: 1_001 }, (_, i) => ({
        tokenId: i,
        text: 't',
        probability: 0,
      }));
      r.results.distributions[0].tailMass = 1;
    });
    expect(errorsOf(tooMany)).toEqual([
      'results.distributions[0].top: keeps 1001 candidates; more than 1000 needs fullVocabulary',
    ]);
  });

  it('refuses branch trees with cycles, shared children or detached nodes', () => {
    const tree = (nodes: [number, number[]][]) =>
      withChange((r) => {
        r.branches = {
          selectedNodeId: 0,
          nodes: nodes.map(([id, children]) => ({
            id,
            tokenIds: id === 0 ? [] : [5],
            text: id === 0 ? '' : ' x',
            probability: id === 0 ? 1 : 0.5,
            children,
          })),
        };
      });
    expect(
      parseExperiment(
        tree([
          [0, [1, 2]],
          [1, [3]],
          [2, []],
          [3, []],
        ]),
      ).ok,
    ).toBe(true);
    expect(
      errorsOf(
        tree([
          [0, [1]],
          [1, [2]],
          [2, [1]],
        ]),
      ),
    ).toEqual(['branches.nodes[2].children: node 1 has more than one parent']);
    expect(
      errorsOf(
        tree([
          [0, [1, 2]],
          [1, [2]],
          [2, []],
        ]),
      ),
    ).toEqual(['branches.nodes[1].children: node 2 has more than one parent']);
    expect(
      errorsOf(
        tree([
          [0, []],
          [1, [2]],
          [2, [1]],
        ]),
      ),
    ).toEqual(['branches.nodes: some nodes are not reachable from the root (a cycle or a detached node)']);
    expect(
      errorsOf(
        tree([
          [0, []],
          [1, []],
        ]),
      ),
    ).toEqual(['branches.nodes: some nodes are not reachable from the root (a cycle or a detached node)']);
    expect(errorsOf(tree([[0, [5]]]))).toEqual(['branches.nodes[0].children: child 5 does not exist']);
    expect(errorsOf(tree([[0, [0]]]))).toEqual(['branches.nodes[0].children: the root (node 0) cannot be a child']);
  });

  it('drops unknown fields instead of storing them', () => {
    const result = parseExperiment(withChange((r) => ((r.injected = { html: '<b>' }), (r.settings.extra = 1))));
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect('injected' in result.value).toBe(false);
    expect('extra' in result.value.settings).toBe(false);
  });

  it('keeps a name and text containing <script> as plain, unchanged strings', () => {
    const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const result = parseExperiment(withChange((r) => ((r.name = hostile), (r.text = hostile), (r.notes = hostile))));
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.value.name).toBe(hostile);
    expect(result.value.text).toBe(hostile);
    expect(result.value.notes).toBe(hostile);
  });

  it('summarises a record with many problems instead of listing them all', () => {
    // Each of the 5 distributions breaks two rules: tail mass > 1, and the mass no longer sums to 1.
    const errors = errorsOf(withChange((r) => r.results.distributions.forEach((d: any) => (d.tailMass = 5))));
    expect(errors).toHaveLength(10);
    const many = errorsOf({ schemaVersion: 2 });
    expect(many.length).toBe(13);
    expect(many[12]).toMatch(/^… and \d+ more problems?$/);
  });
});
