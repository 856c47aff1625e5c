import { describe, expect, it } from 'vitest';
import { exampleExperiment } from './examples';
import {
  base64UrlDecode,
  base64UrlEncode,
  decodeShareLink,
  encodeShareLink,
  MAX_SHARE_LINK_LENGTH,
  shareInputsOf,
} from './shareLink';

function encoded(inputs: Parameters<typeof encodeShareLink>[0]): string {
  const result = encodeShareLink(inputs);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.value;
}

describe('share links', () => {
  const inputs = shareInputsOf(exampleExperiment({ positions: 20, seed: 99 }));

  it('round-trips model, text and settings (seed included) through a URL-safe string', () => {
    const link = encoded(inputs);
    expect(link).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeShareLink(link)).toEqual({ ok: true, value: inputs });
    expect(inputs.settings.seed).toBe(99);
  });

  it('keeps CJK, emoji and leading spaces byte-exact', () => {
    const text = ' 東京は日本の首都です 🙂👩‍👩‍👧 e\u0301 ';
    const result = decodeShareLink(encoded({ ...inputs, text }));
    expect(result.ok && result.value.text).toBe(text);
  });

  it('refuses text too long for a link and says what to do instead', () => {
    const result = encodeShareLink({ ...inputs, text: 'a'.repeat(MAX_SHARE_LINK_LENGTH) });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatch(
      /^the link would be \d+ characters \(limit 8000\); shorten the text or export the experiment as a file instead$/,
    );
  });

  it('reports a damaged or cut link instead of throwing', () => {
    const link = encoded(inputs);
    expect(decodeShareLink(`${link.slice(0, 40)}!`)).toEqual({
      ok: false,
      errors: ['the link is damaged: it is not base64url text (was it cut off or edited?)'],
    });
    expect(decodeShareLink(link.slice(0, link.length - 7))).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^the link is damaged/)],
    });
    expect(decodeShareLink('x'.repeat(MAX_SHARE_LINK_LENGTH + 1))).toMatchObject({ ok: false });
  });

  it('validates what a link carries, with the path of the bad field', () => {
    const forged = base64UrlEncode(
      new TextEncoder().encode(JSON.stringify({ v: 1, ...inputs, settings: { ...inputs.settings, topP: 2 } })),
    );
    expect(decodeShareLink(forged)).toEqual({
      ok: false,
      errors: ['settings.topP: Too big: expected number to be <=1'],
    });
    const newer = base64UrlEncode(new TextEncoder().encode(JSON.stringify({ v: 7 })));
    expect(decodeShareLink(newer)).toEqual({
      ok: false,
      errors: ['the link was made by a newer Tokenscope (link version 7); update to open it'],
    });
  });

  it('carries the Hub host of a model loaded from another host, and links without one still open', () => {
    const hubInputs = {
      ...inputs,
      model: {
        ...inputs.model,
        id: 'tokenscope/sotu-gpt',
        source: { kind: 'hub' as const, revision: 'main', fileHashes: [] },
      },
    };
    const withHost = { ...hubInputs, hubHost: 'http://127.0.0.1:4318/mirror/' };
    expect(decodeShareLink(encoded(withHost))).toEqual({ ok: true, value: withHost });
    // A link made before hosts were carried (or against the default host) has no hubHost.
    const result = decodeShareLink(encoded(hubInputs));
    expect(result).toEqual({ ok: true, value: hubInputs });
    expect(result.ok && 'hubHost' in result.value).toBe(false);
  });

  it('refuses a Hub host that is not a plain http(s) URL', () => {
    const forge = (hubHost: string) =>
      base64UrlEncode(new TextEncoder().encode(JSON.stringify({ v: 1, ...inputs, hubHost })));
    const refusal = {
      ok: false,
      errors: ['hubHost: must be an http(s) URL without a user name or password, like https://huggingface.co/'],
    };
    expect(decodeShareLink(forge('javascript:alert(1)'))).toEqual(refusal);
    expect(decodeShareLink(forge('http://user:secret@127.0.0.1:9000/'))).toEqual(refusal);
    expect(decodeShareLink(forge('huggingface.co'))).toEqual(refusal);
    expect(encodeShareLink({ ...inputs, hubHost: 'file:///etc/' })).toEqual(refusal);
  });

  it('encodes base64url exactly as RFC 4648 §5 (checked against Node for every length mod 3)', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 31, 256]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + 13) & 255);
      const text = base64UrlEncode(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(base64UrlDecode(text)).toEqual(bytes);
    }
    expect(base64UrlDecode('abcde')).toBeNull();
  });
});
