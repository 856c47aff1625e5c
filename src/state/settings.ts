/**
 * User settings and text that survive reloads and worker restarts: kept in localStorage,
 * validated on the way back in (a stored value from an older version must not break startup).
 */
import { z } from 'zod';
import { DEFAULT_HUB_URL } from '../protocol/modelSources';
import { INFINI_GRAM_API_ENDPOINT, INFINI_GRAM_INDEXES } from '../core/ngram/infiniGramApiTypes';

/** The index the corpus view asks by default: RedPajama (Llama 2 tokens), the API documentation's example. */
export const DEFAULT_INFINI_GRAM_INDEX = 'v4_rpj_llama_s4';
/** The colour themes of Settings; `light` and `dark` override the system's choice. */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const infiniGramIndexNames = INFINI_GRAM_INDEXES.map((index) => index.name) as [string, ...string[]];

export const settingsSchema = z.object({
  /** `auto` uses WebGPU when there is an adapter. */
  backend: z.enum(['auto', 'wasm']).default('auto'),
  /** Bars in the next-token view. */
  topN: z.number().int().min(1).max(200).default(20),
  /** Hub-style host for Hub models. */
  hubUrl: z.string().url().default(DEFAULT_HUB_URL),
  /** What colours the tokens of the text view. */
  colourMetric: z.enum(['surprisal', 'probability', 'rank', 'entropy', 'relativeToTop']).default('rank'),
  /** GLTR's rank bucket limits, ascending. */
  gltrThresholds: z.array(z.number().int().min(1)).min(1).max(3).default([10, 100, 1000]),
  /** The sampling pipeline (src/core/distribution/sampling.ts). */
  temperature: z.number().gt(0).max(10).default(1),
  topK: z.number().int().min(0).default(0),
  topP: z.number().min(0).max(1).default(1),
  minP: z.number().min(0).max(1).default(0),
  /** The seed of sampled steps; each position draws from its own stream (positionSeed). */
  seed: z.number().int().min(0).max(0xffffffff).default(0),
  /** Generate with Cautious Next Token Prediction (docs/PAPERS.md section 5). */
  cautious: z.boolean().default(false),
  /** The distribution bars' axis. */
  probabilityScale: z.enum(['linear', 'log']).default('linear'),
  /** Ask the infini-gram API (a second ∞-gram backend, web-scale corpora) in the corpus view. Off: nothing is ever sent. */
  infiniGramApi: z.boolean().default(false),
  /** The infini-gram API's host (its endpoint: queries are POSTed to this URL). */
  infiniGramUrl: z
    .string()
    .url()
    .refine((url) => infiniGramHostProblem(url) === null)
    .default(INFINI_GRAM_API_ENDPOINT)
    .catch(INFINI_GRAM_API_ENDPOINT),
  /** The API's index; a name no longer listed falls back to the default rather than resetting every setting. */
  infiniGramIndex: z.enum(infiniGramIndexNames).default(DEFAULT_INFINI_GRAM_INDEX).catch(DEFAULT_INFINI_GRAM_INDEX),
  /** The colour theme: `system` follows the operating system's light or dark setting. */
  theme: z.enum(THEMES).default('system').catch('system'),
});

/** Why a typed infini-gram API host cannot be used, as one sentence; null when it can. */
export function infiniGramHostProblem(url: string): string | null {
  const mustBe = `The infini-gram API host must be an http(s) URL, like ${INFINI_GRAM_API_ENDPOINT}.`;
  try {
    const { protocol } = new URL(url.trim());
    return protocol === 'http:' || protocol === 'https:' ? null : mustBe;
  } catch {
    return mustBe;
  }
}

export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

export const DEFAULT_TEXT = 'Fellow-Citizens of the Senate and House of Representatives: The state of the Union is';

const SETTINGS_KEY = 'tokenscope.settings.v1';
const TEXT_KEY = 'tokenscope.text.v1';

interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Stored settings merged over the defaults; anything invalid falls back to its default. */
export function readStoredSettings(store: KeyValueStorage | null = storage()): Settings {
  const raw = store?.getItem(SETTINGS_KEY);
  if (!raw) return DEFAULT_SETTINGS;
  try {
    const parsed = settingsSchema.partial().safeParse(JSON.parse(raw));
    return parsed.success
      ? settingsSchema.parse({ ...DEFAULT_SETTINGS, ...stripUndefined(parsed.data) })
      : DEFAULT_SETTINGS;
  } catch {
    return DEFAULT_SETTINGS;
  }
}

export function storeSettings(settings: Settings, store: KeyValueStorage | null = storage()): void {
  store?.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

export function readStoredText(store: KeyValueStorage | null = storage()): string {
  return store?.getItem(TEXT_KEY) ?? DEFAULT_TEXT;
}

export function storeText(text: string, store: KeyValueStorage | null = storage()): void {
  store?.setItem(TEXT_KEY, text);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Overrides from the page URL, for demos and tests: `?backend=wasm`, `?hub=http://127.0.0.1:9000/`,
 * `?topN=10`. Invalid values are ignored.
 */
export function settingsFromQuery(search: string): Partial<Settings> {
  const params = new URLSearchParams(search);
  const candidate: Partial<Record<keyof Settings, unknown>> = {
    backend: params.get('backend') ?? undefined,
    hubUrl: params.get('hub') ?? undefined,
    topN: params.has('topN') ? Number(params.get('topN')) : undefined,
  };
  const overrides: Partial<Settings> = {};
  for (const key of Object.keys(candidate) as (keyof Settings)[]) {
    if (candidate[key] === undefined) continue;
    const parsed = settingsSchema.shape[key].safeParse(candidate[key]);
    if (parsed.success) Object.assign(overrides, { [key]: parsed.data });
  }
  return overrides;
}
