/**
 * The batch form's values → a batch definition (core/batch/definition.ts), each problem one
 * sentence: prompts with the line they are on, number lists by field, and what the schema says
 * by path.
 */
import {
  BatchDefinitionError,
  parseBatchDefinition,
  type BatchDefinition,
  type BatchModel,
  type BatchPrompt,
} from '../../core/batch/definition';
import { taskCount } from '../../core/batch/tasks';
import { detectPromptFormat, parsePrompts, PromptParseError, type PromptFormat } from '../../core/batch/prompts';
import { messageOf } from '../../core/messageOf';

export interface BatchFormValues {
  name: string;
  prompts: string;
  /** The loaded file's name (its extension says the format); null for pasted text. */
  promptsFile: string | null;
  /** Keys of the ticked model options. */
  models: string[];
  temperatures: string;
  topK: string;
  topP: string;
  minP: string;
  maxNewTokens: string;
  /** One stop string per line; `\n` and `\t` written as escapes, `\\` for a backslash. */
  stop: string;
  seed: string;
  samplesPerCell: string;
}

export interface ModelOption {
  key: string;
  label: string;
  model: BatchModel;
}

export const DEFAULT_FORM: BatchFormValues = {
  name: 'My batch',
  prompts: '',
  promptsFile: null,
  models: [],
  temperatures: '0.01, 0.5, 1, 2',
  topK: '0',
  topP: '1',
  minP: '0',
  maxNewTokens: '8',
  stop: '',
  seed: '1234',
  samplesPerCell: '3',
};

/** At most this many line errors are listed; the rest are counted. */
const MAX_LINE_ERRORS = 10;

/** Prompts from the text, or every line's problem (for pasted lines and JSONL; CSV stops at the first). */
export function readPrompts(
  text: string,
  fileName: string | null,
): { prompts: BatchPrompt[] | null; format: PromptFormat; errors: string[] } {
  const format = detectPromptFormat(text, fileName ?? undefined);
  if (text.trim() === '')
    return { prompts: null, format, errors: ['Paste prompts (one per line, JSONL or CSV) or load a file.'] };
  const errors: string[] = [];
  if (format !== 'csv') {
    let count = 0;
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        parsePrompts(line, format);
      } catch (error) {
        if (++count <= MAX_LINE_ERRORS) errors.push(`Line ${i + 1}: ${messageOf(error).replace(/^Line \d+: /, '')}`);
      }
    });
    if (count > MAX_LINE_ERRORS) errors.push(`… and ${count - MAX_LINE_ERRORS} more lines with problems.`);
    if (errors.length > 0) return { prompts: null, format, errors };
  }
  try {
    return { prompts: parsePrompts(text, format), format, errors: [] };
  } catch (error) {
    return { prompts: null, format, errors: [error instanceof PromptParseError ? error.message : messageOf(error)] };
  }
}

/** A comma- or space-separated list of numbers; throws one sentence naming the field. */
export function numberList(text: string, field: string): number[] {
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  if (parts.length === 0) throw new Error(`${field}: give at least one number.`);
  return parts.map((part) => {
    const value = Number(part);
    if (!Number.isFinite(value)) throw new Error(`${field}: "${part}" is not a number.`);
    return value;
  });
}

function oneNumber(text: string, field: string): number {
  const values = numberList(text, field);
  if (values.length > 1) throw new Error(`${field}: give one number.`);
  return values[0];
}

/** Stop strings, one per line, with \n, \t and \\ escapes. */
export function stopStrings(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .map((line) => line.replace(/\\(\\|n|t)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\')));
}

export interface FormResult {
  definition: BatchDefinition | null;
  errors: string[];
  /** Tasks (samples) the definition has. */
  tasks: number;
}

/** The definition the form describes, or every problem found. */
export function formDefinition(
  values: BatchFormValues,
  options: readonly ModelOption[],
  bundledPrompts: BatchPrompt[] | null = null,
): FormResult {
  const errors: string[] = [];
  const read = bundledPrompts
    ? { prompts: bundledPrompts, errors: [] }
    : readPrompts(values.prompts, values.promptsFile);
  errors.push(...read.errors);
  const models = options.filter((o) => values.models.includes(o.key)).map((o) => o.model);
  if (models.length === 0) errors.push('Models: tick at least one model.');
  const field = <T>(work: () => T): T | null => {
    try {
      return work();
    } catch (error) {
      errors.push(messageOf(error));
      return null;
    }
  };
  const grid = {
    temperature: field(() => numberList(values.temperatures, 'Temperatures')),
    topK: field(() => numberList(values.topK, 'Top-k')),
    topP: field(() => numberList(values.topP, 'Top-p')),
    minP: field(() => numberList(values.minP, 'Min-p')),
    maxNewTokens: field(() => oneNumber(values.maxNewTokens, 'Max new tokens')),
    stop: stopStrings(values.stop),
  };
  const seed = field(() => oneNumber(values.seed, 'Seed'));
  const samplesPerCell = field(() => oneNumber(values.samplesPerCell, 'Samples per cell'));
  if (errors.length > 0) return { definition: null, errors, tasks: 0 };
  try {
    const definition = parseBatchDefinition(
      {
        version: 1,
        name: values.name.trim() || 'Untitled batch',
        seed,
        prompts: read.prompts,
        models,
        grid,
        samplesPerCell,
      },
      'The batch',
    );
    return { definition, errors: [], tasks: taskCount(definition) };
  } catch (error) {
    const lines =
      error instanceof BatchDefinitionError
        ? error.message
            .split('\n')
            .slice(1)
            .map((line) => line.trim())
        : [messageOf(error)];
    return { definition: null, errors: lines.map(readablePath), tasks: 0 };
  }
}

const FIELD_NAMES: Record<string, string> = {
  'grid.temperature': 'Temperatures',
  'grid.topK': 'Top-k',
  'grid.topP': 'Top-p',
  'grid.minP': 'Min-p',
  'grid.maxNewTokens': 'Max new tokens',
  'grid.stop': 'Stop strings',
  seed: 'Seed',
  samplesPerCell: 'Samples per cell',
  name: 'Name',
  models: 'Models',
  prompts: 'Prompts',
};

/** `grid.temperature[1]: Too small …` → `Temperatures (value 2): Too small …`. */
function readablePath(line: string): string {
  const match = /^([A-Za-z.]+)(?:\[(\d+)\])?([^:]*): (.*)$/.exec(line);
  if (!match) return line;
  const name = FIELD_NAMES[match[1]];
  if (!name) return line;
  return `${name}${match[2] !== undefined ? ` (value ${Number(match[2]) + 1})` : ''}${match[3]}: ${match[4]}`;
}
