/**
 * The demo script document: an experiment's start (model, text, settings) extended with steps a
 * speaker plays one per key press. Every step is an input (a text, a setting, a token id, a view),
 * never a result: playing it runs the model again, and the seeded sampling makes that give the
 * same tokens and probabilities on any machine.
 */
import { z } from 'zod';
import { LIMITS as EXPERIMENT_LIMITS, probability, tokenId } from '../experiments/bounds';
import { formatIssues, type ParseResult } from '../experiments/parse';

export const DEMO_FORMAT = 'tokenscope-demo';
export const DEMO_FORMAT_VERSION = 1;

/** Size limits: generous for a talk, small enough that a hostile file or link cannot fill memory or the screen. */
export const DEMO_LIMITS = {
  steps: 200,
  titleLength: 200,
  descriptionLength: 4_000,
  captionLength: 1_000,
  /** The lab's text; the same bound as an experiment's. */
  textLength: EXPERIMENT_LIMITS.textLength,
  /** The bias lens' prompt box takes 200 characters. */
  biasPromptLength: 200,
  /** Tokens one greedy or sample step may add ("Generate N"). */
  stepTokens: 64,
  /** Characters of a token's text kept for display. */
  tokenTextLength: 200,
} as const;

/** The views a step can open; the same names as the header's (src/state/viewStore.ts). */
export const DEMO_VIEWS = ['lab', 'tokenizers', 'keyspace', 'bigram', 'corpus', 'batch', 'experiments'] as const;
export type DemoView = (typeof DEMO_VIEWS)[number];

/** The settings a script may set: those that change what the lab shows, never the backend or hosts. */
export const demoSettingsSchema = z
  .object({
    temperature: z.number().gt(0).max(10),
    topK: z.int().min(0).max(EXPERIMENT_LIMITS.vocabularySize),
    topP: probability,
    minP: probability,
    seed: z.uint32(),
    topN: z.int().min(1).max(200),
    colourMetric: z.enum(['surprisal', 'probability', 'rank', 'entropy', 'relativeToTop']),
    probabilityScale: z.enum(['linear', 'log']),
  })
  .partial()
  .strict();
export type DemoSettings = z.infer<typeof demoSettingsSchema>;
/** Every setting a script can set: a replay starts each at its default or the start's value. */
export const DEMO_SETTING_KEYS = Object.keys(demoSettingsSchema.shape) as (keyof DemoSettings)[];

const caption = z.string().max(DEMO_LIMITS.captionLength).optional();
const tokenText = z.string().max(DEMO_LIMITS.tokenTextLength).optional();
const stepTokens = z.int().min(1).max(DEMO_LIMITS.stepTokens).optional();

export const demoStepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('setText'), text: z.string().max(DEMO_LIMITS.textLength), caption }).strict(),
  z.object({ kind: z.literal('setSettings'), settings: demoSettingsSchema, caption }).strict(),
  /** The token is found by id; its text is only there for people reading the JSON. */
  z.object({ kind: z.literal('appendToken'), tokenId, text: tokenText, caption }).strict(),
  z.object({ kind: z.literal('greedyStep'), count: stepTokens, caption }).strict(),
  /** Back to the end of the text: the next append or sample starts a new branch (the tree keeps the old one). */
  z.object({ kind: z.literal('backToText'), caption }).strict(),
  /** Seeded by settings.seed: each position draws from its own stream. */
  z.object({ kind: z.literal('sampleStep'), count: stepTokens, caption }).strict(),
  /** null: after the end of the text. */
  z
    .object({
      kind: z.literal('selectPosition'),
      position: z.int().min(0).max(EXPERIMENT_LIMITS.positions).nullable(),
      caption,
    })
    .strict(),
  z.object({ kind: z.literal('openView'), view: z.enum(DEMO_VIEWS), caption }).strict(),
  z.object({ kind: z.literal('openKeySpace'), tokenId, text: tokenText, caption }).strict(),
  /** The tokenizer lab's bias lens: naive vs token healing vs the exact next byte after this prompt. */
  z
    .object({ kind: z.literal('setBiasPrompt'), prompt: z.string().min(1).max(DEMO_LIMITS.biasPromptLength), caption })
    .strict(),
]);
export type DemoStep = z.infer<typeof demoStepSchema>;
export type DemoStepKind = DemoStep['kind'];

export const demoScriptSchema = z
  .object({
    format: z.literal(DEMO_FORMAT),
    version: z.literal(DEMO_FORMAT_VERSION),
    title: z.string().min(1).max(DEMO_LIMITS.titleLength).regex(/\S/, 'must not be blank'),
    description: z.string().max(DEMO_LIMITS.descriptionLength).default(''),
    /** An embedded model's id (public/models/models.json), e.g. `sotu-gpt-long`. */
    model: z
      .string()
      .min(1)
      .max(EXPERIMENT_LIMITS.labelLength)
      .regex(/^[A-Za-z0-9._-]+$/, 'must be an embedded model id such as sotu-gpt-long'),
    start: z
      .object({
        text: z.string().max(DEMO_LIMITS.textLength),
        /** Over the defaults; what is not named starts at its default, so a replay never inherits a setting. */
        settings: demoSettingsSchema.default({}),
        /** The bias lens' prompt before the first step (its default prompt when absent). */
        biasPrompt: z.string().min(1).max(DEMO_LIMITS.biasPromptLength).optional(),
      })
      .strict(),
    steps: z.array(demoStepSchema).max(DEMO_LIMITS.steps),
  })
  .strict();

/** A script as written (optional fields may be absent). */
export type DemoScriptInput = z.input<typeof demoScriptSchema>;
export type DemoScript = z.output<typeof demoScriptSchema>;

/** Validates a parsed document; every problem as `path: reason`. */
export function validateDemoScript(data: unknown): ParseResult<DemoScript> {
  const parsed = demoScriptSchema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data };
  const format = (data as { format?: unknown } | null)?.format;
  if (format !== DEMO_FORMAT)
    return { ok: false, errors: [`format: this is not a demo script (expected "${DEMO_FORMAT}")`] };
  const version = (data as { version?: unknown }).version;
  if (typeof version === 'number' && version > DEMO_FORMAT_VERSION)
    return { ok: false, errors: [`version: made by a newer Tokenscope (version ${version}); update to open it`] };
  return { ok: false, errors: formatIssues(parsed.error) };
}

/** Reads a script from JSON text (a file, the editor). */
export function parseDemoScript(text: string): ParseResult<DemoScript> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      errors: [`(file): not valid JSON (${error instanceof Error ? error.message : String(error)})`],
    };
  }
  return validateDemoScript(data);
}

/** The script as the editor and the file show it: indented JSON, fields in the schema's order. */
export function serialiseDemoScript(script: DemoScript): string {
  return `${JSON.stringify(demoScriptSchema.parse(script), null, 2)}\n`;
}

/** A file name from the title: `temperature.tokenscope-demo.json`. */
export function demoFileName(script: Pick<DemoScript, 'title'>): string {
  const slug = script.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'demo'}.tokenscope-demo.json`;
}
