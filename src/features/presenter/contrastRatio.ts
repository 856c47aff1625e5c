/**
 * WCAG 2 contrast between two colours, as CSS writes them (#rgb, #rrggbb, rgb(), rgba()):
 * presenter mode promises at least 7:1 for text, and the tests hold the palette and the page to it.
 */

export interface Rgba {
  /** 0–255 */
  r: number;
  g: number;
  b: number;
  /** 0–1 */
  a: number;
}

export function parseColour(css: string): Rgba {
  const text = css.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(text);
  if (hex) {
    const digits = hex[1].length === 3 ? [...hex[1]].map((d) => d + d).join('') : hex[1];
    return {
      r: parseInt(digits.slice(0, 2), 16),
      g: parseInt(digits.slice(2, 4), 16),
      b: parseInt(digits.slice(4, 6), 16),
      a: 1,
    };
  }
  if (text === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
  // rgb(1, 2, 3), rgba(1, 2, 3, 0.5), rgb(1 2 3 / 0.5): what getComputedStyle returns.
  const functional = /^rgba?\(([^)]*)\)$/.exec(text);
  if (functional) {
    const parts = functional[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    if (parts.length >= 3 && parts.every(Number.isFinite))
      return { r: parts[0], g: parts[1], b: parts[2], a: parts[3] ?? 1 };
  }
  throw new Error(`Not a colour this helper reads: ${css}`);
}

/** `top` drawn over `bottom` (alpha compositing); the result is as opaque as `bottom`. */
export function composite(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a + bottom.a * (1 - top.a);
  if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
  const mix = (t: number, b: number) => (t * top.a + b * bottom.a * (1 - top.a)) / a;
  return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a };
}

/** WCAG relative luminance of an opaque colour. */
export function relativeLuminance({ r, g, b }: Rgba): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** (L1 + 0.05) / (L2 + 0.05), from 1 to 21; a translucent text colour is first drawn over its background. */
export function contrastRatio(text: Rgba | string, background: Rgba | string): number {
  const back = typeof background === 'string' ? parseColour(background) : background;
  const front = composite(typeof text === 'string' ? parseColour(text) : text, back);
  const [light, dark] = [relativeLuminance(front), relativeLuminance(back)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}
