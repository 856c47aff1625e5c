/**
 * How the main thread fares while a long input is worked on: long animation frames (Chromium's
 * LoAF entries, which name the scripts that ran in them) and the time from each click to the
 * next paint (Event Timing). Installed in the page, read back after the scenario.
 */
import type { Locator, Page, TestInfo } from '@playwright/test';

/**
 * The figures are measured and attached to the test's report, not asserted: on a 2-core
 * machine they depend on what else runs (the worker's ONNX Runtime threads included), and
 * speed is judged from measurements, not pass/fail timings. What the specs assert is what
 * makes the page cheap: a screenful of chips in the DOM, the model in the worker.
 */

export interface Responsiveness {
  /** The longest run of one script from the app's own origin inside a long frame, ms. */
  longestAppScriptMs: number;
  /** Where that script came from ("index-….js: onmessage"). */
  longestAppScript: string;
  /** The longest frame that ran the app's code, ms (its scripts, style, layout and paint). */
  longestAppFrameMs: number;
  /** Every click's time from input to the next paint, ms. */
  clickToPaintMs: number[];
  longFrames: number;
}

declare global {
  interface Window {
    __responsiveness?: { frames: LongFrame[]; clicks: number[] };
  }
}

/** One long animation frame: its length, the part spent in style and layout, and its scripts. */
interface LongFrame {
  duration: number;
  styleAndLayoutMs: number;
  scripts: { source: string; duration: number }[];
}

export async function watchResponsiveness(page: Page): Promise<void> {
  await page.evaluate(() => {
    const record = { frames: [] as LongFrame[], clicks: [] as number[] };
    window.__responsiveness = record;
    new PerformanceObserver((list) => {
      type LoafEntry = PerformanceEntry & {
        styleAndLayoutStart?: number;
        scripts?: { sourceURL: string; sourceFunctionName: string; invoker: string; duration: number }[];
      };
      for (const entry of list.getEntries() as LoafEntry[]) {
        record.frames.push({
          duration: entry.duration,
          styleAndLayoutMs: entry.styleAndLayoutStart
            ? entry.startTime + entry.duration - entry.styleAndLayoutStart
            : 0,
          scripts: (entry.scripts ?? []).map((s) => ({
            source: `${s.sourceURL}: ${s.invoker}${s.sourceFunctionName ? ` (${s.sourceFunctionName})` : ''}`,
            duration: s.duration,
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: false });
    // Every click, however fast (16 ms is the smallest threshold Event Timing allows).
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.name === 'click') record.clicks.push(entry.duration);
    }).observe({ type: 'event', durationThreshold: 16, buffered: false } as PerformanceObserverInit);
  });
}

export async function readResponsiveness(page: Page, testInfo: TestInfo, label: string): Promise<Responsiveness> {
  const origin = new URL(page.url()).origin;
  const raw = await page.evaluate(() => window.__responsiveness!);
  let longestAppScriptMs = 0;
  let longestAppScript = '';
  let longestAppFrameMs = 0;
  for (const frame of raw.frames) {
    const appScripts = frame.scripts.filter((s) => s.source.startsWith(origin));
    if (appScripts.length > 0) longestAppFrameMs = Math.max(longestAppFrameMs, frame.duration);
    for (const script of appScripts) {
      if (script.duration > longestAppScriptMs) {
        longestAppScriptMs = script.duration;
        longestAppScript = script.source.slice(origin.length);
      }
    }
  }
  const result = {
    longestAppScriptMs,
    longestAppScript,
    longestAppFrameMs,
    clickToPaintMs: raw.clicks,
    longFrames: raw.frames.length,
  };
  await testInfo.attach(`responsiveness: ${label}`, {
    body: JSON.stringify({ ...result, frames: raw.frames }, null, 2),
    contentType: 'application/json',
  });
  const longest = [...raw.frames].sort((a, b) => b.duration - a.duration).slice(0, 3);
  const described = longest.map(
    (f) =>
      `${f.duration.toFixed(0)} ms (style and layout ${f.styleAndLayoutMs.toFixed(0)} ms; ${f.scripts.map((s) => `${s.source.replace(origin, '')} ${s.duration.toFixed(0)} ms`).join(', ') || 'no script'})`,
  );
  console.log(`longest frames, ${label}: ${described.join(' | ') || 'none'}`);
  console.log(
    `responsiveness (measured, the issue's bar is 100 ms), ${label}: longest app script ${longestAppScriptMs.toFixed(0)} ms (${longestAppScript}), longest frame with app code ${longestAppFrameMs.toFixed(0)} ms, ${result.longFrames} long frames, clicks ${raw.clicks.map((c) => c.toFixed(0)).join(', ') || 'all under 16'} ms`,
  );
  return result;
}

/** Whether the element with this test id is there with this data-status (without waiting for it). */
export function hasStatus(page: Page, testId: string, status: string): Promise<boolean> {
  return page.evaluate(
    ([id, wanted]) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-status') === wanted,
    [testId, status],
  );
}

/**
 * Clicks a harmless button every `intervalMs` while `busy` holds: each click's answer is
 * measured. The count says how long the page was busy and answering, so work that ends in
 * a couple of seconds needs a shorter interval to be clicked a few times.
 */
export async function clickWhile(
  page: Page,
  target: Locator,
  busy: () => Promise<boolean>,
  intervalMs = 1000,
): Promise<number> {
  // Clicked by its position (found once), as a person does: a locator's click walks the
  // whole page to find the element each time, tens of milliseconds of the test's own script
  // on the main thread beside a large page, which the frames measured would include.
  const box = (await target.boundingBox())!;
  let clicks = 0;
  while (await busy()) {
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    clicks++;
    await page.waitForTimeout(intervalMs);
  }
  return clicks;
}
