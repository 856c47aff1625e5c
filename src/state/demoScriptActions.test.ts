/**
 * The demo player on a fake worker: a script played to the end, restarted and played again
 * gives the same fingerprints; going back replays to the step before; a step that cannot run
 * stops the script with its number. The recorder turns store changes into steps. And the lab a
 * demo replaced can be put back (labReplacement.ts).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { demoScriptSchema, labFingerprint, type DemoScript } from '../core/demoScripts';
import { appendStep, emptyTree, pathTokens, ROOT_ID } from '../core/lab/branchTree';
import { EMPTY_LAB, useSession } from './sessionStore';
import { useDemoScript } from './demoScriptStore';
import { useView } from './viewStore';

const VOCABULARY = 16;
/** Logits that depend on every id before the position, so a different history shows. */
function logitsAfter(ids: number[]): Float32Array {
  const seed = ids.reduce((sum, id, i) => sum + id * (i + 3), 1);
  return Float32Array.from({ length: VOCABULARY }, (_, j) => Math.sin(seed * 1.7 + j * 2.3) * 3);
}
const fakeClient = {
  call: vi.fn(
    async (kind: string, params: { text?: string; ids?: number[]; position?: number; rowPosition?: number }) => {
      // A worker answers later, never in the same turn.
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (kind === 'tokenize') {
        const ids = [...(params.text ?? '')].map((c) => c.charCodeAt(0) % VOCABULARY);
        return { ids, tokens: ids.map((id) => ({ id, text: `t${id}`, bytesHex: '', special: false })) };
      }
      if (kind === 'tokenViews') return params.ids!.map((id) => ({ id, text: `t${id}`, bytesHex: '', special: false }));
      // As the engine: with rowPosition, the row `row` would give comes with the analysis.
      if (kind === 'analyze')
        return {
          startTokenId: 0,
          positions: params.ids!.map((id) => ({ tokenId: id })),
          row:
            params.rowPosition === undefined
              ? undefined
              : { logits: logitsAfter(params.ids!.slice(0, params.rowPosition)), contextTokens: 1 },
        };
      if (kind === 'row') return { logits: logitsAfter(params.ids!.slice(0, params.position)), contextTokens: 1 };
      throw new Error(`unexpected call ${kind}`);
    },
  ),
};
vi.mock('./engineClient', () => ({ engineClient: () => fakeClient, hasEngineClient: () => true }));

const { loadDemoScript, playDemoStep, playDemoTo, restartDemo, closeDemo } = await import('./demoScriptActions');
const { startRecording, stopRecording } = await import('./demoRecorder');
const { updateSettings } = await import('./engineActions');
const { appendToken, restoreLab } = await import('./nextTokenActions');
const { dismissLabReplacement, swapReplacedLab, useLabReplacement } = await import('./labReplacement');

const script: DemoScript = demoScriptSchema.parse({
  format: 'tokenscope-demo',
  version: 1,
  title: 'Fake',
  model: 'fake',
  start: { text: 'abc', settings: { seed: 5 } },
  steps: [
    { kind: 'setSettings', settings: { temperature: 0.5 } },
    { kind: 'sampleStep', count: 3 },
    { kind: 'backToText' },
    { kind: 'greedyStep', count: 2 },
    { kind: 'selectPosition', position: 1 },
    { kind: 'setText', text: 'abd' },
    { kind: 'openView', view: 'corpus' },
  ],
});

const fingerprints = () => [...useDemoScript.getState().fingerprints];

beforeEach(() => {
  closeDemo();
  dismissLabReplacement();
  useView.setState({ view: 'lab' });
  useSession.setState({
    text: '',
    model: { key: 'embedded:fake', source: { kind: 'embedded', id: 'fake' } } as never,
    vocabulary: { tokens: Array.from({ length: VOCABULARY }, (_, i) => `t${i}`) } as never,
    nextToken: { ...EMPTY_LAB, tree: emptyTree() },
  });
});

describe('playing a demo script', () => {
  it('replays identically after a restart, and back one step gives the screen of the step before', async () => {
    await expect(loadDemoScript(script, 'test')).resolves.toBe(true);
    expect(useSession.getState().settings).toMatchObject({ seed: 5, temperature: 1 });
    await expect(playDemoTo(script.steps.length)).resolves.toBe(true);
    expect(useDemoScript.getState().error).toBeNull();
    const first = fingerprints();
    expect(first).toHaveLength(script.steps.length + 1);
    // Back to the text at the same temperature is the screen of step 1 again; every other step changes it.
    expect(first[3]).toBe(first[1]);
    expect(new Set(first.slice(0, 7)).size).toBe(6);
    expect(first[0]).not.toBe(first[1]);
    expect(first[7]).toMatch(/^corpus \| ids /);
    expect(useView.getState().view).toBe('corpus');

    // The fingerprint is of the screen the step asked for: the distribution at the selected position.
    const ids = [1, 2, 3, 8, 8];
    const sampling = { temperature: 0.5, topK: 0, topP: 1, minP: 0 };
    expect(first[5]).toBe(
      `lab | ${labFingerprint({ ids, position: 1, logits: logitsAfter(ids.slice(0, 1)), sampling })}`,
    );

    // A restart from the middle (a continuation on screen) drops the continuation.
    await playDemoTo(2);
    await restartDemo();
    expect(fingerprints()[0]).toBe(first[0]);
    expect(useDemoScript.getState().played).toBe(0);
    expect(useView.getState().view).toBe('lab');
    await playDemoTo(script.steps.length);
    expect(fingerprints()).toEqual(first);

    await playDemoTo(4);
    expect(useDemoScript.getState().played).toBe(4);
    expect(fingerprints()).toEqual(first.slice(0, 5));
  });

  it('stops at a step that cannot run, naming it', async () => {
    const bad = demoScriptSchema.parse({
      ...script,
      steps: [
        { kind: 'selectPosition', position: 1 },
        { kind: 'appendToken', tokenId: 3 },
      ],
    });
    await loadDemoScript(bad, 'test');
    await playDemoTo(2);
    expect(useDemoScript.getState()).toMatchObject({ played: 1, running: false });
    expect(useDemoScript.getState().error).toMatch(/^Step 2: the token cannot be appended here/);
  });

  it('leaves the keys alone without a script', () => {
    expect(playDemoStep(1)).toBe(false);
  });
});

describe('recording', () => {
  it('turns what changes in the stores into steps', () => {
    useSession.setState({ text: 'start', settings: { ...useSession.getState().settings, temperature: 1 } });
    expect(startRecording()).toBe(true);
    useSession.setState({ text: 'new text' });
    updateSettings({ temperature: 0.7 });
    updateSettings({ seed: 9 });
    const tree = appendStep(emptyTree(), {
      tokenId: 4,
      probability: 0.1,
      sampledProbability: null,
      how: 'click',
      seed: null,
    });
    useSession.setState((s) => ({ nextToken: { ...s.nextToken, tree: emptyTree() } }));
    useSession.setState((s) => ({ nextToken: { ...s.nextToken, tree } }));
    useView.setState({ view: 'bigram' });
    const recorded = stopRecording();
    expect(recorded?.start.text).toBe('start');
    expect(recorded?.model).toBe('fake');
    expect(recorded?.steps).toEqual([
      { kind: 'setText', text: 'new text' },
      { kind: 'setSettings', settings: { temperature: 0.7, seed: 9 } },
      { kind: 'appendToken', tokenId: 4, text: 't4' },
      { kind: 'openView', view: 'bigram' },
    ]);
    expect(demoScriptSchema.safeParse(recorded).success).toBe(true);
  });
});

describe('putting back the lab a demo replaced', () => {
  const start: DemoScript = { ...script, steps: [] };
  const lab = () => useSession.getState().nextToken;
  const replacement = () => useLabReplacement.getState().replacement;

  it('brings back the text, the continuation and the selection, and swaps back again', async () => {
    await restoreLab('my own text', emptyTree(), null);
    expect(await appendToken(7, 'click')).toBe(true);
    const before = lab();
    expect(pathTokens(before.tree)).toEqual([7]);

    await loadDemoScript(start, 'test');
    expect(useSession.getState().text).toBe('abc');
    expect(pathTokens(lab().tree)).toEqual([]);
    expect(replacement()).toMatchObject({ by: 'the demo “Fake”', putBack: false });

    await expect(swapReplacedLab()).resolves.toBe(true);
    expect(useSession.getState().text).toBe('my own text');
    expect(pathTokens(lab().tree)).toEqual([7]);
    expect(lab().selected).toBe(before.selected);
    expect(replacement()).toMatchObject({ putBack: true });

    await swapReplacedLab();
    expect(useSession.getState().text).toBe('abc');
    expect(lab().tree.nodes[ROOT_ID].childIds).toEqual([]);
    expect(replacement()).toMatchObject({ putBack: false });
  });

  it('puts back only the text when another model is loaded now (a tree holds its model’s ids)', async () => {
    await restoreLab('my own text', emptyTree(), null);
    await appendToken(7, 'click');
    await loadDemoScript(start, 'test');
    useSession.setState({ model: { key: 'embedded:other', source: { kind: 'embedded', id: 'other' } } as never });

    await swapReplacedLab();
    expect(useSession.getState().text).toBe('my own text');
    expect(pathTokens(lab().tree)).toEqual([]);
  });

  it('keeps your text on offer through a second demo opened over the first, untouched', async () => {
    await restoreLab('my own text', emptyTree(), null);
    await loadDemoScript(start, 'test');
    await loadDemoScript({ ...start, title: 'Other', start: { ...start.start, text: 'xyz' } }, 'test');
    expect(useSession.getState().text).toBe('xyz');
    expect(replacement()).toMatchObject({ by: 'the demo “Other”', putBack: false });
    await swapReplacedLab();
    expect(useSession.getState().text).toBe('my own text');

    // Once you change the first demo's text, it is yours: a second demo offers that back.
    await swapReplacedLab();
    await restoreLab('xyz, edited', emptyTree(), null);
    await loadDemoScript(start, 'test');
    await swapReplacedLab();
    expect(useSession.getState().text).toBe('xyz, edited');
  });

  it('offers nothing when the lab was empty or held the demo’s text already', async () => {
    await loadDemoScript(start, 'test');
    expect(replacement()).toBeNull();
    await loadDemoScript(start, 'test');
    expect(replacement()).toBeNull();
    await expect(swapReplacedLab()).resolves.toBe(false);
  });
});
