import type { DemoScriptInput } from '../schema';

/** How much of each prediction comes from the current token alone: the model on [start, token] against the full context. */
export const BIGRAM_DEMO: DemoScriptInput = {
  format: 'tokenscope-demo',
  version: 1,
  title: 'Bigram vs full context',
  description:
    'At every position, the model’s prediction from the current token alone beside its prediction from the whole context: many tokens are predicted almost from the token before them.',
  model: 'sotu-gpt-long',
  start: { text: 'The Congress of the United States', settings: {} },
  steps: [
    {
      kind: 'selectPosition',
      position: null,
      caption: 'In the lab, after "of the United", " States" is near certain: but is it the context or just " United"?',
    },
    {
      kind: 'openView',
      view: 'bigram',
      caption: 'Bigram and layers: each token coloured by how much its prediction comes from the current token alone.',
    },
    { kind: 'openView', view: 'lab', caption: 'A longer text, where the context has more to say.' },
    {
      kind: 'setText',
      text: 'I have the honor to transmit to the Congress the annual report of the Secretary of the Treasury on the state of the finances.',
      caption: 'A sentence from the addresses.',
    },
    {
      kind: 'openView',
      view: 'bigram',
      caption: 'The summary: how often the bigram and the full model agree on the top token.',
    },
  ],
};
