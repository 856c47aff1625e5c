/**
 * Charts that stand alone on a slide: every colour scale carries its legend inside the SVG (so
 * an exported chart keeps it), and an axis never prints floating-point noise.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CharPositionsChart } from './CharPositionsChart';
import { CovarianceHeatmap } from './CovarianceHeatmap';
import { DeltaBars } from './DeltaBars';
import { KeyScatter, probabilityColour } from './KeyScatter';
import { LayerLineChart } from './LayerLineChart';
import { TemperatureChart } from './TemperatureChart';

const svgOf = (markup: string) => markup.slice(markup.indexOf('<svg'), markup.lastIndexOf('</svg>') + 6);

describe('DeltaBars', () => {
  const render = (deltas: (number | null)[]) =>
    renderToStaticMarkup(
      createElement(DeltaBars, {
        title: 'B − A',
        bars: deltas.map((delta, key) => ({ key, delta, detail: '' })),
        width: 300,
        unit: 'bits',
      }),
    );

  it('says "all 0" when every delta is zero, with no tiny axis values', () => {
    const markup = render([0, 0, null, 0]);
    expect(markup).toContain('all 0 bits');
    expect(markup).toContain('no differences');
    expect(markup).not.toMatch(/e-\d/);
  });

  it('labels the axis with the largest difference otherwise', () => {
    const markup = render([0.5, -0.25, 0]);
    expect(markup).toContain('+0.50');
    expect(markup).toContain('−0.50');
    expect(markup).toContain('0 bits');
    expect(markup).not.toContain('all 0');
  });
});

describe('colour legends inside the chart', () => {
  it('the covariance heatmap shows its ramp from 0 to 1, and grey for no variance only when there is any', () => {
    const plain = svgOf(
      renderToStaticMarkup(
        createElement(CovarianceHeatmap, { title: 'cov', matrix: [1, 0.5, 0.5, 1], size: 120, testId: 'h' }),
      ),
    );
    expect(plain).toContain('data-testid="h.legend"');
    expect(plain.match(/<stop /g)).toHaveLength(11);
    expect(plain).toContain('>similarity<');
    expect(plain).not.toContain('no variance');
    const withNaN = renderToStaticMarkup(
      createElement(CovarianceHeatmap, { title: 'cov', matrix: [1, Number.NaN, Number.NaN, 1], size: 120 }),
    );
    expect(withNaN).toContain('no variance');
  });

  it('the key map shows the probability scale, its ends the colours of 0.001% and 100%', () => {
    const markup = renderToStaticMarkup(
      createElement(KeyScatter, {
        points: [
          { tokenId: 1, x: 0, y: 0, probability: 0.6, rank: 1, label: 'a', description: 'a' },
          { tokenId: 2, x: 1, y: 1, probability: 0.01, rank: 2, label: 'b', description: 'b' },
        ],
        topK: 1,
        width: 300,
      }),
    );
    expect(markup).toContain('data-testid="keyspace.map.legend"');
    const stops = [...markup.matchAll(/<stop offset="([\d.]+)" stop-color="([^"]+)"/g)];
    expect(stops[0][2]).toBe(probabilityColour(1e-5));
    expect(stops.at(-1)![2]).toBe(probabilityColour(1));
    expect(markup).toContain('probability (log)');
  });
});

describe('line charts with every value zero', () => {
  /** The y axis' tick labels, in order. */
  const yTicks = (markup: string, tickClass: string) =>
    [
      ...markup.matchAll(new RegExp(`<text[^>]*text-anchor="end"[^>]*class="${tickClass}"[^>]*>([^<]*)</text>`, 'g')),
    ].map((m) => m[1]);

  it('LayerLineChart prints distinct ticks from 0, no tiny values', () => {
    const markup = renderToStaticMarkup(
      createElement(LayerLineChart, {
        title: 'KL to the last layer',
        series: [{ label: 'KL', values: [0, 0, 0, 0], colour: '#000' }],
        width: 300,
      }),
    );
    const ticks = yTicks(markup, 'layer-chart__tick');
    expect(ticks[0]).toBe('0.00');
    expect(ticks.length).toBeGreaterThan(1);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(markup).not.toMatch(/e-\d/);
  });

  it('TemperatureChart prints distinct ticks from 0, no tiny values', () => {
    const markup = renderToStaticMarkup(
      createElement(TemperatureChart, {
        title: 'Accuracy',
        yLabel: 'accuracy',
        series: [{ label: 'a model', points: [0.5, 1, 2].map((x) => ({ x, y: 0, low: 0, high: 0 })), colour: '#000' }],
        width: 300,
      }),
    );
    const ticks = yTicks(markup, 'temperature-chart__tick');
    expect(ticks[0]).toBe('0.00');
    expect(ticks.length).toBeGreaterThan(1);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(markup).not.toMatch(/e-\d/);
  });
});

describe('CharPositionsChart', () => {
  it("carries its shade's legend inside the svg: token length from 1 to the longest", () => {
    const cells = [...'cafe'].map((char, i) => ({
      char,
      token: i < 3 ? 0 : 1,
      tokenLength: i < 3 ? 3 : 1,
      offsetInToken: i < 3 ? i : 0,
      splitAcrossTokens: false,
    }));
    const svg = svgOf(
      renderToStaticMarkup(createElement(CharPositionsChart, { rows: [{ id: 'a', label: 'A', cells }] })),
    );
    expect(svg).toContain('data-testid="tokenizers.chars.legend"');
    expect(svg).toContain('characters in the token');
    expect(svg).toMatch(/>3<\/text>/);
  });
});
