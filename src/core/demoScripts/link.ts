/**
 * Demo links: `#demo=` + base64url of the script's UTF-8 JSON, in the fragment so it never
 * reaches a server; opening one loads the script (its steps run on the recipient's machine).
 */
import { base64UrlEncode, decodeLinkJson, MAX_SHARE_LINK_LENGTH } from '../experiments/shareLink';
import type { ParseResult } from '../experiments/parse';
import { demoScriptSchema, validateDemoScript, type DemoScript } from './schema';

export const DEMO_LINK_PREFIX = 'demo=';
/** The share link's limit: links much longer break in chat apps and mail. */
export const MAX_DEMO_LINK_LENGTH = MAX_SHARE_LINK_LENGTH;

/** The URL-safe payload (without `#demo=`), or why the script does not fit a link. */
export function encodeDemoLink(script: DemoScript): ParseResult<string> {
  const checked = demoScriptSchema.safeParse(script);
  if (!checked.success) return validateDemoScript(script) as ParseResult<never>;
  const encoded = base64UrlEncode(new TextEncoder().encode(JSON.stringify(checked.data)));
  if (encoded.length > MAX_DEMO_LINK_LENGTH)
    return {
      ok: false,
      errors: [
        `the link would be ${encoded.length} characters (limit ${MAX_DEMO_LINK_LENGTH}); shorten the texts and captions or export the script as a file instead`,
      ],
    };
  return { ok: true, value: encoded };
}

/** Reads a payload; every failure is a sentence. */
export function decodeDemoLink(encoded: string): ParseResult<DemoScript> {
  const read = decodeLinkJson(encoded, MAX_DEMO_LINK_LENGTH);
  return read.ok ? validateDemoScript(read.value) : read;
}

/** The payload of a `#demo=…` fragment, or null when the fragment is something else. */
export function demoPayloadOfHash(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  return fragment.startsWith(DEMO_LINK_PREFIX) ? fragment.slice(DEMO_LINK_PREFIX.length) : null;
}
