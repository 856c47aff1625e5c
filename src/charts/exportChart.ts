/**
 * A chart on screen as a standalone SVG file or a PNG image. The charts are styled by the
 * app's CSS (classes, custom properties such as var(--accent)); a file opened elsewhere has
 * none of it, so the computed presentation styles are copied onto every element of a clone.
 */

/** The presentation properties our charts use; copying all computed styles would bloat files 100×. */
const STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'text-decoration',
  'visibility',
] as const;

const SVG_NS = 'http://www.w3.org/2000/svg';
/** The band above the chart that names it: the title, and a caption line when there is one. */
const TITLE_BAND_PX = 26;
const CAPTION_BAND_PX = 16;

export interface StandaloneSvg {
  markup: string;
  /** Its size in CSS pixels: the chart's, with the title band above it. */
  width: number;
  height: number;
}

/**
 * The SVG as a standalone document: inlined styles, namespaces, size, the theme's background, and
 * above the chart its title and caption (the model, the position, the settings) as visible
 * text, so that the file still says what it shows on a slide.
 */
export function standaloneSvg(svg: SVGSVGElement, title: string, caption = ''): StandaloneSvg {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const sources = [svg, ...svg.querySelectorAll('*')];
  const targets = [clone, ...clone.querySelectorAll('*')];
  sources.forEach((source, i) => {
    const computed = getComputedStyle(source);
    const target = targets[i] as SVGElement;
    // Through CSSOM, not setAttribute('style'): the page's Content-Security-Policy (no inline
    // styles) reports every style attribute set as markup; the serialised clone carries it all the same.
    target.style.cssText = STYLE_PROPERTIES.map((name) => `${name}:${computed.getPropertyValue(name)}`).join(';');
    target.removeAttribute('class');
    // An attribute such as style="fill: var(--accent)" is already resolved above; var() means nothing in a file.
    for (const attribute of [...target.attributes]) {
      if (attribute.name !== 'style' && attribute.value.includes('var(')) target.removeAttribute(attribute.name);
    }
  });
  // The file keeps the theme it was made in (a dark chart on a dark slide), with colours resolved.
  const colours = themeColours(svg);
  const rect = svg.getBoundingClientRect();
  const band = TITLE_BAND_PX + (caption ? CAPTION_BAND_PX : 0);
  const width = Math.ceil(rect.width);
  const height = Math.ceil(rect.height) + band;
  const chart = document.createElementNS(SVG_NS, 'g');
  chart.setAttribute('transform', `translate(0,${band})`);
  while (clone.firstChild) chart.appendChild(clone.firstChild);
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const titleElement = document.createElementNS(SVG_NS, 'title');
  titleElement.textContent = caption ? `${title} (${caption})` : title;
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', colours.background);
  clone.append(titleElement, background, bandText(title, 18, 14, colours.text, 'bold'));
  if (caption) clone.append(bandText(caption, 18 + CAPTION_BAND_PX, 11, colours.muted, 'normal'));
  clone.append(chart);
  return {
    markup: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`,
    width,
    height,
  };
}

/**
 * The page's background, text and muted text colours as the browser resolved them: the custom
 * properties themselves hold light-dark(…) pairs, which only a styled element turns into one colour.
 */
function themeColours(within: Element): { background: string; text: string; muted: string } {
  const probe = document.createElement('span');
  probe.style.color = 'var(--muted)';
  probe.style.backgroundColor = 'var(--bg)';
  (within.parentElement ?? document.body).append(probe);
  const computed = getComputedStyle(probe);
  const colours = {
    background: opaqueOr(computed.backgroundColor, '#ffffff'),
    text: getComputedStyle(within).color || '#1d1d1f',
    muted: computed.color || '#6b6b70',
  };
  probe.remove();
  return colours;
}

/** A background with no colour (no --bg on a page without the app's CSS) would make the file transparent. */
function opaqueOr(colour: string, fallback: string): string {
  return !colour || colour === 'transparent' || colour === 'rgba(0, 0, 0, 0)' ? fallback : colour;
}

function bandText(text: string, baselineY: number, sizePx: number, colour: string, weight: string): SVGTextElement {
  const element = document.createElementNS(SVG_NS, 'text');
  element.setAttribute('x', '6');
  element.setAttribute('y', String(baselineY));
  element.setAttribute('fill', colour);
  element.setAttribute('font-size', String(sizePx));
  element.setAttribute('font-weight', weight);
  element.setAttribute('font-family', 'system-ui, sans-serif');
  element.textContent = text;
  return element;
}

/** Renders the standalone SVG onto a canvas at `scale` × its size (2: sharp on slides). */
export async function svgToPng(markup: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser cannot draw on a canvas, so no PNG can be made; use SVG.');
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The PNG could not be encoded.'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A file name from a chart title: lower case, dashes, no path characters. */
export function chartFileName(title: string, extension: 'svg' | 'png'): string {
  const stem =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'chart';
  return `tokenscope-${stem}.${extension}`;
}
