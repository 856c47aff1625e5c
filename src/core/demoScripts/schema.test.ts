import { describe, expect, it } from 'vitest';
import { demoFileName, parseDemoScript, serialiseDemoScript, validateDemoScript, type DemoScriptInput } from './schema';

const minimal: DemoScriptInput = {
  format: 'tokenscope-demo',
  version: 1,
  title: 'A demo',
  model: 'sotu-gpt-long',
  start: { text: 'The state of the Union is' },
  steps: [
    { kind: 'setSettings', settings: { temperature: 0.5 }, caption: 'Cooler' },
    { kind: 'sampleStep', count: 3 },
    { kind: 'openKeySpace', tokenId: 1677, text: ' Britain' },
  ],
};

describe('demo script schema', () => {
  it('fills the defaults and round-trips through its JSON', () => {
    const parsed = validateDemoScript(minimal);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.description).toBe('');
    expect(parsed.value.start.settings).toEqual({});
    const again = parseDemoScript(serialiseDemoScript(parsed.value));
    expect(again).toEqual(parsed);
  });

  it('names the JSON path of each problem', () => {
    const bad = {
      ...minimal,
      steps: [
        { kind: 'setSettings', settings: { temperature: 0 } },
        { kind: 'fly' },
        { kind: 'sampleStep', count: 500 },
      ],
    };
    const parsed = validateDemoScript(bad);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.some((e) => e.startsWith('steps[0].settings.temperature:'))).toBe(true);
    expect(parsed.errors.some((e) => e.startsWith('steps[1].kind:'))).toBe(true);
    expect(parsed.errors.some((e) => e.startsWith('steps[2].count:'))).toBe(true);
  });

  it('refuses settings a script must not touch, and unknown fields', () => {
    const parsed = validateDemoScript({ ...minimal, steps: [{ kind: 'setSettings', settings: { backend: 'wasm' } }] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]).toMatch(/^steps\[0\]\.settings: /);
  });

  it('says when a document is not a demo script, is newer, or is not JSON', () => {
    expect(validateDemoScript({ format: 'tokenscope-experiments' })).toEqual({
      ok: false,
      errors: ['format: this is not a demo script (expected "tokenscope-demo")'],
    });
    const newer = validateDemoScript({ ...minimal, version: 2 });
    expect(newer.ok || newer.errors[0]).toMatch(/newer Tokenscope \(version 2\)/);
    const notJson = parseDemoScript('{ nope');
    expect(notJson.ok || notJson.errors[0]).toMatch(/^\(file\): not valid JSON/);
  });

  it('bounds sizes', () => {
    const tooMany = { ...minimal, steps: Array.from({ length: 201 }, () => ({ kind: 'greedyStep' })) };
    const parsed = validateDemoScript(tooMany);
    expect(parsed.ok || parsed.errors[0]).toMatch(/^steps: /);
    const longCaption = { ...minimal, steps: [{ kind: 'greedyStep', caption: 'x'.repeat(1001) }] };
    expect(validateDemoScript(longCaption).ok).toBe(false);
  });

  it('makes a file name from the title', () => {
    expect(demoFileName({ title: 'Temperature: 0.01, 0.5!' })).toBe('temperature-0-01-0-5.tokenscope-demo.json');
    expect(demoFileName({ title: '日本' })).toBe('demo.tokenscope-demo.json');
  });
});
