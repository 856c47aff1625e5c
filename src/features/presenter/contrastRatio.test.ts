/**
 * The contrast helper against WCAG's own figures, and the palettes of app.css held to it:
 * presenter mode's text at 7:1 in both themes, the ordinary themes at 4.5:1, focus rings at 3:1.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GLTR_COLOURS } from '../../core/lab/tokenColours';
import { composite, contrastRatio, parseColour } from './contrastRatio';

describe('contrastRatio', () => {
  it('gives WCAG figures', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBeCloseTo(1, 5);
    // #767676 on white is the classic smallest grey at 4.5:1.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('rgb(118, 118, 118)', 'rgb(255, 255, 255)')).toBeCloseTo(4.54, 2);
  });

  it('draws translucent text over its background first', () => {
    expect(contrastRatio('rgba(0, 0, 0, 0.5)', '#fff')).toBeLessThan(contrastRatio('#000', '#fff'));
    expect(composite(parseColour('rgba(0, 0, 0, 0.5)'), parseColour('#ffffff')).r).toBeCloseTo(127.5, 5);
    expect(parseColour('rgb(1 2 3 / 0.25)')).toEqual({ r: 1, g: 2, b: 3, a: 0.25 });
  });
});

/** `--name: light-dark(light, dark)` (or one colour for both) of the first rule that starts with `selector {`. */
function palette(css: string, selector: string, theme: 0 | 1): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf('}', start));
  const colours: Record<string, string> = {};
  for (const [, name, value] of block.matchAll(/(--[\w-]+):\s*([^;]+);/g)) {
    const pair = /^light-dark\(([^,]+),\s*([^)]+)\)$/.exec(value.trim());
    colours[name] = pair ? pair[1 + theme].trim() : value.trim();
  }
  return colours;
}

const css = readFileSync(new URL('../../app/app.css', import.meta.url), 'utf8');

describe.each([
  ['light', 0],
  ['dark', 1],
] as const)('the %s palette', (_theme, index) => {
  const base = palette(css, ':root', index);
  const presenter = { ...base, ...palette(css, ':root[data-presenter]', index) };

  it('reads at 4.5:1 for text and 3:1 for the focus ring', () => {
    for (const background of [base['--bg'], base['--surface']]) {
      expect(contrastRatio(base['--fg'], background)).toBeGreaterThanOrEqual(7);
      expect(contrastRatio(base['--muted'], background)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(base['--error'], background)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(base['--focus-ring'], background)).toBeGreaterThanOrEqual(3);
    }
    expect(contrastRatio(base['--fg'], base['--accent-soft'])).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(base['--muted'], base['--chip-end-bg'])).toBeGreaterThanOrEqual(4.5);
  });

  it('reads at 7:1 for every text of presenter mode', () => {
    const pairs: [string, string][] = [
      ['--fg', '--bg'],
      ['--fg', '--surface'],
      ['--muted', '--bg'],
      ['--muted', '--surface'],
      ['--fg', '--accent-soft'],
      ['--actual-text', '--surface'],
      ['--muted', '--chip-end-bg'],
      ['--error', '--surface'],
    ];
    for (const [text, background] of pairs) {
      expect(contrastRatio(presenter[text], presenter[background]), `${text} on ${background}`).toBeGreaterThanOrEqual(
        7,
      );
    }
    expect(contrastRatio(presenter['--focus-ring'], presenter['--bg'])).toBeGreaterThanOrEqual(3);
  });

  it('keeps text on the GLTR chip colours at 7:1', () => {
    for (const colour of GLTR_COLOURS)
      expect(contrastRatio(base['--on-data-colour'], colour)).toBeGreaterThanOrEqual(7);
  });
});
