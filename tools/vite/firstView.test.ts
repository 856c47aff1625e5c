/**
 * The shipped first view (src/core/lab/firstView.json) against a fresh run of the project's
 * Engine under Node (onnxruntime-node) on the shipped default model and the default text: the
 * figures the first screen shows must agree to the digits shown. Retraining the model or
 * changing the default text without regenerating the file fails here (and the build refuses it).
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatProbability } from '../../src/charts/ProbabilityBars';
import {
  figureDifferences,
  firstScreenOf,
  float32FromBase64,
  probabilityUnit,
  shownFigures,
  type FirstViewData,
} from '../../src/core/lab/firstView';
import { REPO_ROOT } from '../../src/engine/nodeRuntime';
import { DEFAULT_SETTINGS, DEFAULT_TEXT } from '../../src/state/settings';
import { firstViewProblem } from './firstView.mjs';
import { computeFirstView, defaultModelId, FIRST_VIEW_FILE } from './firstViewData';

const shipped = JSON.parse(readFileSync(FIRST_VIEW_FILE, 'utf8')) as FirstViewData;

describe('the shipped first view', () => {
  let fresh: FirstViewData;
  beforeAll(async () => {
    fresh = await computeFirstView();
  }, 60_000);

  it('is of the default model, its files and the default text', async () => {
    expect(shipped.modelId).toBe(defaultModelId());
    expect(shipped.text).toBe(DEFAULT_TEXT);
    expect(shipped.modelFiles).toEqual(fresh.modelFiles);
    expect(await firstViewProblem(REPO_ROOT)).toBeNull();
  });

  it('shows what the engine computes now, to the digits shown', () => {
    expect(shipped.tokens).toEqual(fresh.tokens);
    const { topN } = DEFAULT_SETTINGS;
    expect(
      figureDifferences(shownFigures(firstScreenOf(shipped), topN), shownFigures(firstScreenOf(fresh), topN)),
    ).toEqual([]);
    // The same runtime on the same files: the logits agree far below anything shown.
    const a = float32FromBase64(shipped.row.logitsBase64);
    const b = float32FromBase64(fresh.row.logitsBase64);
    expect(a.length).toBe(b.length);
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i])))).toBeLessThan(1e-4);
    expect(shipped.labels).toEqual(fresh.labels);
    expect(shipped.vocabulary).toEqual(fresh.vocabulary);
  });

  it('gives the last digit of a probability as the bars print it', () => {
    // formatProbability's own output: the decimals of "12.3%", or the exponent of "4.5e-7%".
    const shownUnit = (p: number) => {
      const text = formatProbability(p).replace('%', '');
      const exponent = /e([-+]\d+)$/.exec(text);
      const mantissa = text.replace(/e.*$/, '');
      const decimals = mantissa.includes('.') ? mantissa.split('.')[1].length : 0;
      return 10 ** ((exponent ? Number(exponent[1]) : 0) - decimals) / 100;
    };
    for (const p of [0.9, 0.5, 0.0123, 0.01, 0.0099, 0.00452, 0.00041, 3.3e-5, 1.2e-5, 4.5e-7, 2.2e-9]) {
      const unit = probabilityUnit(p);
      expect(Math.abs(unit - shownUnit(p)) / unit, `p = ${p}`).toBeLessThan(1e-9);
    }
    // "0.04%" drops the second significant digit's zero: the comparison stays at the finer digit.
    expect(probabilityUnit(0.0004)).toBeLessThan(shownUnit(0.0004));
  });
});

describe('the build check', () => {
  /** A root with the real default model's folder and a first view (and default) of our own. */
  function rootWith(data: FirstViewData, defaultId = shipped.modelId): string {
    const root = mkdtempSync(join(tmpdir(), 'tokenscope-first-view-'));
    mkdirSync(join(root, 'src', 'core', 'lab'), { recursive: true });
    mkdirSync(join(root, 'public', 'models'), { recursive: true });
    writeFileSync(join(root, 'src', 'core', 'lab', 'firstView.json'), JSON.stringify(data));
    writeFileSync(join(root, 'public', 'models', 'models.json'), JSON.stringify({ default: defaultId }));
    symlinkSync(join(REPO_ROOT, 'public', 'models', shipped.modelId), join(root, 'public', 'models', shipped.modelId));
    return root;
  }

  it('accepts the shipped file and refuses one of another text, model or model file', async () => {
    expect(await firstViewProblem(rootWith(shipped))).toBeNull();
    expect(await firstViewProblem(rootWith({ ...shipped, text: `${shipped.text}.` }))).toMatch(/another text/);
    expect(await firstViewProblem(rootWith(shipped, 'sotu-llama'))).toMatch(/the app opens on sotu-llama/);
    const changed = shipped.modelFiles.map((f) =>
      f.path === 'onnx/model.onnx' ? { ...f, sha256: '0'.repeat(64) } : f,
    );
    expect(await firstViewProblem(rootWith({ ...shipped, modelFiles: changed }))).toMatch(
      /onnx\/model.onnx has changed/,
    );
  });
});
