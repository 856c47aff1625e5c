import type { DemoScriptInput } from '../schema';

/** Naive vs exact next byte after prompts cut mid-word, in English and in German (docs/PAPERS.md section 4). */
export const TOKENIZATION_BIAS_DEMO: DemoScriptInput = {
  format: 'tokenscope-demo',
  version: 1,
  title: 'Tokenization bias: naive vs exact next byte, mid-word',
  description:
    'A prompt that stops inside a word puts the model where it never was in training. The naive next byte reads the next token after the prompt as tokenized; the exact next byte sums over every tokenization that could continue the text.',
  model: 'sotu-gpt-long',
  start: { text: 'the State of the Union', settings: {}, biasPrompt: 'the State of the Union' },
  steps: [
    {
      kind: 'openView',
      view: 'tokenizers',
      caption: 'The tokenizer lab: the bias lens is near the bottom. A whole word first: nothing to correct.',
    },
    {
      kind: 'setBiasPrompt',
      prompt: 'the State of the Uni',
      caption: 'English, cut mid-word: " Union" is one token, so after " Un" + "i" the naive model is lost.',
    },
    {
      kind: 'setBiasPrompt',
      prompt: 'Mr. Speaker, Mr. Vice President, Members of Cong',
      caption: '" Congress" is one token; the exact next byte still knows "r" comes next.',
    },
    {
      kind: 'setBiasPrompt',
      prompt: 'Die Vereinigten Staaten von Ameri',
      caption: 'German, cut mid-word: the model saw English only, yet the exact next byte still finds "ca".',
    },
    {
      kind: 'setBiasPrompt',
      prompt: 'Der Kongress der Vereinigten Sta',
      caption: 'German again: the naive reading and the exact next byte disagree on the next letter.',
    },
  ],
};
