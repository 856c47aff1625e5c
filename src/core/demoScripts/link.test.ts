import { describe, expect, it } from 'vitest';
import { BUNDLED_DEMOS } from './bundled';
import { decodeDemoLink, demoPayloadOfHash, encodeDemoLink, MAX_DEMO_LINK_LENGTH } from './link';
import { demoScriptSchema } from './schema';

const script = BUNDLED_DEMOS[0].script;

describe('demo links', () => {
  it('round-trips a script, non-ASCII captions included', () => {
    const withAccents = { ...script, title: 'Température — 温度' };
    const encoded = encodeDemoLink(withAccents);
    expect(encoded.ok).toBe(true);
    if (!encoded.ok) return;
    expect(encoded.value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeDemoLink(encoded.value)).toEqual({ ok: true, value: withAccents });
  });

  it('fits every bundled demo in a link', () => {
    for (const demo of BUNDLED_DEMOS) expect(encodeDemoLink(demo.script).ok).toBe(true);
  });

  it('refuses a script too long for a link, naming the file instead', () => {
    const long = demoScriptSchema.parse({
      ...script,
      description: 'x'.repeat(4000),
      steps: [...script.steps, ...script.steps, ...script.steps].map((s) => ({ ...s, caption: 'y'.repeat(400) })),
    });
    const encoded = encodeDemoLink(long);
    expect(encoded.ok || encoded.errors[0]).toMatch(
      new RegExp(`limit ${MAX_DEMO_LINK_LENGTH}.*export the script as a file`),
    );
  });

  it('explains damaged and invalid links', () => {
    expect(decodeDemoLink('**')).toEqual({ ok: false, errors: [expect.stringMatching(/not base64url/)] });
    expect(decodeDemoLink('e30')).toEqual({ ok: false, errors: [expect.stringMatching(/^format: /)] });
    expect(decodeDemoLink('x'.repeat(MAX_DEMO_LINK_LENGTH + 1)).ok).toBe(false);
  });

  it('finds the payload in a #demo= fragment only', () => {
    expect(demoPayloadOfHash('#demo=abc')).toBe('abc');
    expect(demoPayloadOfHash('#share=abc')).toBeNull();
    expect(demoPayloadOfHash('')).toBeNull();
  });
});
