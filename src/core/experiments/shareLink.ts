/**
 * Share links carry an experiment's inputs (model, text, settings with the seed), never its
 * results: opening one re-runs the analysis on the recipient's machine. The payload is
 * base64url of UTF-8 JSON; no compression, because a small pure compressor would not pay
 * for itself on prompts of a few hundred characters. Put it in the URL fragment (`#…`) so
 * it never reaches a server.
 *
 * A Hub model loaded from another host than https://huggingface.co/ carries that host
 * (`hubHost`): without it the link would look for the model on the wrong server. Opening such a
 * link asks before fetching from a host the user did not choose (src/state/shareLinkActions.ts).
 */
import { z } from 'zod';
import { LIMITS } from './bounds';
import { formatIssues, type ParseResult } from './parse';
import { modelSchema, type Experiment } from './schema';
import { settingsSchema } from './parts';

/** Version of the link payload, independent of the record schema version. */
export const SHARE_LINK_VERSION = 1;
/** Characters of encoded payload; links much longer than this break in chat apps and mail. */
export const MAX_SHARE_LINK_LENGTH = 8_000;

/** An http(s) URL without a user name or password (a link must not carry credentials). */
const hubHostSchema = z
  .string()
  .max(LIMITS.labelLength)
  .refine(isPlainHttpUrl, 'must be an http(s) URL without a user name or password, like https://huggingface.co/');

export const shareInputsSchema = z.object({
  model: modelSchema,
  /** The Hub host a Hub model was loaded from; absent for the default host and other sources. */
  hubHost: hubHostSchema.optional(),
  text: z.string().max(LIMITS.textLength),
  settings: settingsSchema,
});

/** What a share link reproduces. */
export type ShareInputs = z.output<typeof shareInputsSchema>;

const payloadSchema = shareInputsSchema.extend({ v: z.literal(SHARE_LINK_VERSION) });

/** The inputs of a saved experiment. */
export function shareInputsOf(experiment: Experiment): ShareInputs {
  return { model: experiment.model, text: experiment.text, settings: experiment.settings };
}

/**
 * Encodes inputs as a URL-safe string (`[A-Za-z0-9_-]`), or explains why it cannot.
 *
 * @example
 * const link = encodeShareLink(shareInputsOf(experiment));
 * if (link.ok) location.hash = `share=${link.value}`;
 */
export function encodeShareLink(inputs: ShareInputs): ParseResult<string> {
  const checked = shareInputsSchema.safeParse(inputs);
  if (!checked.success) return { ok: false, errors: formatIssues(checked.error) };
  const encoded = base64UrlEncode(new TextEncoder().encode(JSON.stringify({ v: SHARE_LINK_VERSION, ...checked.data })));
  if (encoded.length > MAX_SHARE_LINK_LENGTH) {
    return {
      ok: false,
      errors: [
        `the link would be ${encoded.length} characters (limit ${MAX_SHARE_LINK_LENGTH}); shorten the text or export the experiment as a file instead`,
      ],
    };
  }
  return { ok: true, value: encoded };
}

/** Decodes and validates a share link payload; every failure is a readable message. */
export function decodeShareLink(encoded: string): ParseResult<ShareInputs> {
  const read = decodeLinkJson(encoded, MAX_SHARE_LINK_LENGTH);
  if (!read.ok) return read;
  const data = read.value;
  const version = (data as { v?: unknown } | null)?.v;
  if (typeof version === 'number' && version > SHARE_LINK_VERSION) {
    return {
      ok: false,
      errors: [`the link was made by a newer Tokenscope (link version ${version}); update to open it`],
    };
  }
  const parsed = payloadSchema.safeParse(data);
  if (!parsed.success) return { ok: false, errors: formatIssues(parsed.error) };
  const { v: _v, ...inputs } = parsed.data;
  return { ok: true, value: inputs };
}

/**
 * A link payload's JSON (base64url of UTF-8), refused over `maxLength` characters; each failure
 * is a sentence. Share links and demo links (core/demoScripts/link.ts) read their payloads here.
 */
export function decodeLinkJson(encoded: string, maxLength: number): ParseResult<unknown> {
  if (encoded.length > maxLength) {
    return {
      ok: false,
      errors: [`the link is ${encoded.length} characters long; links over ${maxLength} are refused`],
    };
  }
  const bytes = base64UrlDecode(encoded);
  if (!bytes)
    return { ok: false, errors: ['the link is damaged: it is not base64url text (was it cut off or edited?)'] };
  try {
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown };
  } catch {
    return { ok: false, errors: ['the link is damaged: its content is not valid UTF-8 JSON'] };
  }
}

function isPlainHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** RFC 4648 §5 base64url without padding. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const sextets = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let s = 0; s < sextets; s++) out += ALPHABET[(chunk >> (18 - 6 * s)) & 63];
  }
  return out;
}

/** Inverse of `base64UrlEncode`; null for characters outside the alphabet or an impossible length. */
export function base64UrlDecode(text: string): Uint8Array | null {
  if (text.length % 4 === 1 || !/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const bytes = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let j = 0;
  for (const char of text) {
    buffer = ((buffer << 6) | ALPHABET.indexOf(char)) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[j++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes;
}
