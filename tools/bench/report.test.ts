import { describe, expect, it } from 'vitest';
import { BEGIN_MARKER, END_MARKER, renderReport, replaceGenerated, underLoad, type BenchFile } from './report';

const machine = { cores: 2, cpu: 'AMD EPYC', loadAverageAtStart: 0.4, loadAverageAtEnd: 1.2 };
const cold = (median: number) => ({
  name: 'page load → first distribution, cold cache',
  backend: 'Chromium WASM (2 threads, fp32)',
  unit: 'ms' as const,
  median,
  runs: [median],
});
const scoring = (median: number) => ({
  name: 'score 2000 tokens (throughput)',
  backend: 'Chromium WASM (2 threads, fp32)',
  unit: 'tokens/s' as const,
  median,
  runs: [median, median],
});

describe('the generated benchmark report', () => {
  const before: BenchFile = {
    date: '2026-12-01T10:00:00.000Z',
    commit: 'aaaaaaa',
    machine,
    figures: [cold(2100), scoring(1200)],
  };
  const latest: BenchFile = {
    date: '2026-12-04T10:00:00.000Z',
    commit: 'bbbbbbb',
    machine,
    figures: [cold(950), scoring(1300)],
  };

  it('holds each figure to its goal, beside the before figure, in the right direction', () => {
    const text = renderReport(latest, 'docs/bench/b.json', before, 'docs/bench/a.json');
    expect(text).toContain('| page load → first distribution, cold cache | ≤ 1,000 ms | 950 ms | 2,100 ms | yes |');
    expect(text).toContain(
      '| scoring a 2,000-token text (Chromium) | ≥ 3,000 tokens/s | 1,300 tokens/s | 1,200 tokens/s | no |',
    );
    expect(text).toContain('| layer analysis over 512 positions | ≤ 1,000 ms | – | – | not measured |');
    expect(text).toContain('commit bbbbbbb');
    expect(text).toContain(
      '| score 2000 tokens (throughput) | Chromium WASM (2 threads, fp32) | 1,300 tokens/s (2) | 1,200 tokens/s |',
    );
  });

  it('shows the ratio to the bare baseline where a run has one, and holds the live load to 1.2×', () => {
    const live = (median: number, bare: number) => ({
      name: "page load → live model's first distribution, cold cache",
      backend: 'Chromium WASM (2 threads, fp32)',
      unit: 'ms' as const,
      median,
      runs: [median],
      baseline: { median: bare, runs: [bare] },
      ratio: median / bare,
    });
    const withBare: BenchFile = {
      ...latest,
      figures: [
        cold(950),
        live(1100, 1000),
        { ...scoring(1300), baseline: { median: 1500, runs: [1500] }, ratio: 1500 / 1300 },
      ],
    };
    const text = renderReport(withBare, 'c.json', before, 'a.json');
    expect(text).toContain('| ↳ live model vs bare from_pretrained | ≤ 1.2× | 1.10× | – | yes |');
    expect(text).toContain('| figure | where | median (runs) | bare transformers.js | app / bare | before |');
    expect(text).toContain(
      '| score 2000 tokens (throughput) | Chromium WASM (2 threads, fp32) | 1,300 tokens/s (2) | 1,500 tokens/s | 1.15× | 1,200 tokens/s |',
    );
    // A figure without a baseline in such a run: dashes in the two columns.
    expect(text).toContain(
      '| page load → first distribution, cold cache | Chromium WASM (2 threads, fp32) | 950 ms (1) | – | – | 2,100 ms |',
    );
    const slow = renderReport({ ...withBare, figures: [live(1500, 1000)] }, 'c.json', null, null);
    expect(slow).toContain('| ↳ live model vs bare from_pretrained | ≤ 1.2× | 1.50× | – | no |');
    // A run without the baseline keeps the old table, and the ratio goal reads as not measured.
    const old = renderReport(latest, 'b.json', before, 'a.json');
    expect(old).toContain('| ↳ live model vs bare from_pretrained | ≤ 1.2× | – | – | not measured |');
    expect(old).toContain('| figure | where | median (runs) | before |');
    expect(old).not.toContain('bare transformers.js');
  });

  it('marks a run under load', () => {
    expect(underLoad(latest)).toBe(false);
    expect(underLoad({ ...latest, machine: { ...machine, loadAverageAtStart: 1.6 } })).toBe(false);
    const loaded = { ...latest, machine: { ...machine, loadAverageAtStart: 2.3 } };
    expect(underLoad(loaded)).toBe(true);
    expect(renderReport(loaded, 'b.json', null, null)).toContain('**under load**');
  });

  it('replaces only the part between the markers, and adds them once', () => {
    const first = replaceGenerated('# Title\n\nIntro.\n\n## Rest\n', 'ONE');
    expect(first).toBe(`# Title\n\n${BEGIN_MARKER}\n\nONE\n\n${END_MARKER}\n\nIntro.\n\n## Rest\n`);
    const second = replaceGenerated(first, 'TWO');
    expect(second).toBe(first.replace('ONE', 'TWO'));
  });
});
