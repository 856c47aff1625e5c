/**
 * Presenter mode on a 1280 × 720 projector (`?present=1`): every text of the main panel at
 * 24 px or more and at 7:1 against what is behind it (from computed styles, in the light and
 * the dark theme), every control reached by Tab with a visible focus ring and operated from the
 * keyboard, the clicker's keys stepping the lab and the views, and nothing that scrolls.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { contrastRatio, composite, parseColour, relativeLuminance } from '../src/features/presenter/contrastRatio';
import { DEFAULT_MODEL, TokenscopePage } from './tokenscopePage';

test.use({ viewport: { width: 1280, height: 720 } });

interface TextSample {
  what: string;
  text: string;
  fontSizePx: number;
  colour: string;
  /** Product of the element's and its ancestors' opacity. */
  opacity: number;
  /** Backgrounds from the element up to the first opaque one. */
  backgrounds: string[];
}

/** Every visible element of the main panel that draws text of its own, with what decides its size and contrast. */
function visibleTexts(page: Page): Promise<TextSample[]> {
  return page.evaluate(() => {
    const main = document.querySelector('.app__main')!;
    const samples: TextSample[] = [];
    const ownText = (element: Element) =>
      element instanceof HTMLTextAreaElement || element instanceof HTMLInputElement
        ? element.value
        : element instanceof HTMLSelectElement
          ? (element.selectedOptions[0]?.text ?? '')
          : [...element.childNodes]
              .filter((n) => n.nodeType === Node.TEXT_NODE)
              .map((n) => n.textContent ?? '')
              .join('');
    for (const element of main.querySelectorAll('*')) {
      const text = ownText(element).trim();
      if (!text || element.closest('option, title, :disabled')) continue;
      if (element.getClientRects().length === 0) continue;
      const style = getComputedStyle(element);
      if (style.visibility !== 'visible') continue;
      let opacity = 1;
      const backgrounds: string[] = [];
      let reachedOpaque = false;
      for (let at: Element | null = element; at; at = at.parentElement) {
        const atStyle = getComputedStyle(at);
        opacity *= Number(atStyle.opacity);
        if (!reachedOpaque) {
          backgrounds.push(atStyle.backgroundColor);
          reachedOpaque = /^rgb\(/.test(atStyle.backgroundColor);
        }
      }
      const isSvgText = element instanceof SVGElement;
      samples.push({
        what: `${element.tagName.toLowerCase()}.${element.getAttribute('class') ?? ''}`,
        text: text.slice(0, 40),
        fontSizePx: parseFloat(style.fontSize),
        colour: isSvgText ? style.fill : style.color,
        opacity,
        backgrounds,
      });
    }
    return samples;
  });
}

function effectiveBackground(backgrounds: string[]) {
  let result = parseColour('#ffffff');
  for (const colour of [...backgrounds].reverse()) result = composite(parseColour(colour), result);
  return result;
}

function contrastOf(sample: TextSample): number {
  const colour = parseColour(sample.colour);
  return contrastRatio({ ...colour, a: colour.a * sample.opacity }, effectiveBackground(sample.backgrounds));
}

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

async function expectLargeHighContrastText(page: Page): Promise<void> {
  const samples = await visibleTexts(page);
  // The lab's text box, chips, summary and bars at least.
  expect(samples.length).toBeGreaterThan(20);
  const small = samples.filter((s) => s.fontSizePx < 24).map((s) => `${s.what} "${s.text}" ${s.fontSizePx}px`);
  expect(small).toEqual([]);
  expectContrastAtLeast(samples, 7);
}

function expectContrastAtLeast(samples: TextSample[], minimum: number): void {
  const faint = samples
    .filter((s) => contrastOf(s) < minimum)
    .map((s) => {
      const { r, g, b } = effectiveBackground(s.backgrounds);
      return `${s.what} "${s.text}" ${s.colour} on rgb(${r}, ${g}, ${b}): ${contrastOf(s).toFixed(2)}`;
    });
  expect(faint).toEqual([]);
}

async function expectNothingScrolls(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const scrolling = [...document.querySelectorAll('.app *')]
      .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 1)
      .map((e) => e.getAttribute('data-testid') ?? e.className);
    const root = document.documentElement;
    return { scrollHeight: root.scrollHeight, scrollWidth: root.scrollWidth, innerHeight, innerWidth, scrolling };
  });
  expect(overflow.scrollHeight).toBeLessThanOrEqual(overflow.innerHeight);
  expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.innerWidth);
  expect(overflow.scrolling).toEqual([]);
}

async function openPresenting(page: Page): Promise<TokenscopePage> {
  const app = new TokenscopePage(page);
  await app.open({ backend: 'wasm', present: '1' });
  await app.expectModel(`embedded:${DEFAULT_MODEL}`);
  await app.expectDistribution();
  await expect(page.getByTestId('nav.presenter')).toHaveAttribute('aria-pressed', 'true');
  return app;
}

const tokenCount = (page: Page) => page.getByTestId('text.chips').getAttribute('data-token-count').then(Number);

test('presenter mode: large type at 7:1, no scrolling, the clicker steps the lab and the views', async ({
  page,
}, testInfo) => {
  const app = await openPresenting(page);
  await attachScreenshot(page, testInfo, 'presenter mode, light');
  await expectNothingScrolls(page);
  await expectLargeHighContrastText(page);
  // The distribution is large: its rows are taller than the chips' type, its labels 24 px.
  expect((await app.bars.first().boundingBox())!.height).toBeGreaterThanOrEqual(36);

  const before = await tokenCount(page);
  await page.keyboard.press('PageDown');
  await expect.poll(() => tokenCount(page)).toBe(before + 1);
  await app.expectDistribution();
  await page.keyboard.press('PageDown');
  await expect.poll(() => tokenCount(page)).toBe(before + 2);
  await app.expectDistribution();
  await page.keyboard.press('PageUp');
  await expect.poll(() => tokenCount(page)).toBe(before + 1);
  await app.expectDistribution();
  await expectNothingScrolls(page);

  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('nav.view.select')).toHaveValue('tokenizers');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('nav.view.select')).toHaveValue('lab');
  await app.expectDistribution();

  // In the text box the keys are the text box's: PageDown moves the caret, it appends nothing.
  await app.text.focus();
  await page.keyboard.press('PageDown');
  await page.keyboard.press('ArrowLeft');
  await app.expectDistribution();
  expect(await tokenCount(page)).toBe(before + 1);
  await app.text.blur();

  // After a chip of the text is clicked (the chips hold the focus) the clicker still steps: to the end first, then a token.
  await page.getByTestId('text.chip').nth(2).click();
  await expect(app.chart).toHaveAttribute('data-position', '2');
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('text.chip.end')).toHaveAttribute('aria-selected', 'true');
  await app.expectDistribution();
  await page.keyboard.press('PageDown');
  await expect.poll(() => tokenCount(page)).toBe(before + 2);
  await app.expectDistribution();

  // Off again: the ordinary palette and type.
  await page.getByTestId('nav.presenter').click();
  await expect(page.locator('html')).not.toHaveAttribute('data-presenter');
  const labelPx = await app.bars
    .first()
    .locator('.bar__label')
    .evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(labelPx).toBeLessThan(24);
});

test('presenter mode: Tab reaches every control with a visible focus ring, and the keyboard operates them', async ({
  page,
}) => {
  const app = await openPresenting(page);
  const reached: { id: string; outline: string; visible: boolean }[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      return {
        id: element.getAttribute('data-testid') ?? element.tagName.toLowerCase(),
        outline: `${style.outlineStyle} ${style.outlineWidth}`,
        visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && box.width > 0,
      };
    });
    if (!focused) continue;
    if (reached.some((r) => r.id === focused.id)) break;
    reached.push(focused);
  }
  const ids = reached.map((r) => r.id);
  for (const id of ['nav.view.select', 'nav.presenter', 'nav.models', 'nav.settings', 'text.input', 'text.chips']) {
    expect(ids).toContain(id);
  }
  expect(ids).toContain('distribution.bar');
  expect(reached.filter((r) => !r.visible)).toEqual([]);

  // Operated from the keyboard: the view select, the Settings button, a chip, a bar.
  const select = page.getByTestId('nav.view.select');
  await select.focus();
  await page.keyboard.press('ArrowDown');
  await expect(select).toHaveValue('tokenizers');
  await page.keyboard.press('ArrowUp');
  await expect(select).toHaveValue('lab');
  await app.expectDistribution();

  await page.getByTestId('nav.settings').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('settings.panel')).toBeVisible();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('settings.panel')).toBeHidden();

  const before = await tokenCount(page);
  await app.bars.first().focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => tokenCount(page)).toBe(before + 1);
  await app.expectDistribution();

  // Space on the focused toggle presses the toggle (the clicker's Space does not step then).
  await page.getByTestId('nav.presenter').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('nav.presenter')).toHaveAttribute('aria-pressed', 'false');
  expect(await tokenCount(page)).toBe(before + 1);
});

test('presenter mode in the dark theme: a dark page, text still at 7:1, and an exported chart without var()', async ({
  page,
}, testInfo) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await openPresenting(page);
  await attachScreenshot(page, testInfo, 'presenter mode, dark');
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(relativeLuminance(parseColour(background))).toBeLessThan(0.05);
  await expectLargeHighContrastText(page);
  await expectNothingScrolls(page);

  // Out of presenter mode the whole lab (GLTR panels, controls, tree) reads at WCAG's 4.5:1 in the dark theme.
  await page.getByTestId('nav.presenter').click();
  await expect(page.getByTestId('text.metric.histogram').or(page.locator('.histogram')).first()).toBeVisible();
  expectContrastAtLeast(await visibleTexts(page), 4.5);
  await attachScreenshot(page, testInfo, 'the lab, dark');

  // The export buttons show; the file keeps the dark background, resolved.
  const download = page.waitForEvent('download');
  await page.getByTestId('distribution.export.svg').click();
  const path = await (await download).path();
  const svg = readFileSync(path, 'utf8');
  expect(svg).not.toContain('var(');
  const backgroundFill = /<rect[^>]*width="100%"[^>]*fill="([^"]+)"/.exec(svg)?.[1] ?? '';
  expect(relativeLuminance(parseColour(backgroundFill))).toBeLessThan(0.05);

  // Settings' theme overrides the system's: light on a dark system.
  await page.getByTestId('nav.settings').click();
  await page.getByTestId('settings.theme').selectOption('light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  const lightBackground = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(relativeLuminance(parseColour(lightBackground))).toBeGreaterThan(0.8);
});

test.describe('on a 4:3 projector', () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  test('presenter mode at 1024 × 768: large type at 7:1, the distribution on screen, nothing scrolls', async ({
    page,
  }, testInfo) => {
    const app = await openPresenting(page);
    await attachScreenshot(page, testInfo, 'presenter mode, 4:3');
    await expectNothingScrolls(page);
    await expectLargeHighContrastText(page);
    const bar = (await app.bars.first().boundingBox())!;
    expect(bar.y + bar.height).toBeLessThanOrEqual(768);
  });
});
