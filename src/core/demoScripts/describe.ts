/** A step as one short line for the step list (the caption is what the speaker says; this is what the step does). */
import type { DemoStep } from './schema';

const VIEW_LABELS: Record<string, string> = {
  lab: 'Next token',
  tokenizers: 'Tokenizers',
  keyspace: 'Key space',
  bigram: 'Bigram & layers',
  corpus: 'Corpus',
  batch: 'Batch',
  experiments: 'Experiments',
};

const quoted = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);
const tokens = (count: number | undefined) => ((count ?? 1) === 1 ? 'one token' : `${count} tokens`);

export function describeDemoStep(step: DemoStep): string {
  switch (step.kind) {
    case 'setText':
      return `Text ${quoted(step.text)}`;
    case 'setSettings':
      return `Set ${Object.entries(step.settings)
        .map(([key, value]) => `${key} ${value}`)
        .join(', ')}`;
    case 'appendToken':
      return `Append ${step.text !== undefined ? quoted(step.text) : ''} (id ${step.tokenId})`.replace('  ', ' ');
    case 'greedyStep':
      return `Greedy: ${tokens(step.count)}`;
    case 'sampleStep':
      return `Sample: ${tokens(step.count)}`;
    case 'backToText':
      return 'Back to the end of the text';
    case 'selectPosition':
      return step.position === null ? 'Show the end' : `Select position ${step.position}`;
    case 'openView':
      return `Open ${VIEW_LABELS[step.view]}`;
    case 'openKeySpace':
      return `Key space of ${step.text !== undefined ? quoted(step.text) : ''} (id ${step.tokenId})`.replace('  ', ' ');
    case 'setBiasPrompt':
      return `Bias lens after ${quoted(step.prompt)}`;
  }
}
