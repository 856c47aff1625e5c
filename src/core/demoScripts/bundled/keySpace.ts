import type { DemoScriptInput } from '../schema';

/** A country prompt, then the predicted country's nearest keys: the unembedding groups countries together. */
export const KEY_SPACE_DEMO: DemoScriptInput = {
  format: 'tokenscope-demo',
  version: 1,
  title: 'Key space: the neighbours of a country',
  description:
    'Every next-token logit is the final hidden state times one fixed vector per token, its key. Tokens with similar keys get similar logits in every context: after "relations with Great", the neighbours of " Britain" are other countries.',
  model: 'sotu-gpt-long',
  start: { text: 'Our relations with Great', settings: { temperature: 1, seed: 0 } },
  steps: [
    { kind: 'selectPosition', position: null, caption: 'After "relations with Great", the model expects " Britain".' },
    { kind: 'appendToken', tokenId: 1677, text: ' Britain', caption: 'Append " Britain".' },
    {
      kind: 'openKeySpace',
      tokenId: 1677,
      text: ' Britain',
      caption: 'The nearest keys of " Britain": other countries, so they rise and fall together.',
    },
    { kind: 'openKeySpace', tokenId: 2097, text: ' France', caption: 'The neighbours of " France".' },
    { kind: 'openKeySpace', tokenId: 1308, text: ' Mexico', caption: 'And of " Mexico".' },
    { kind: 'openView', view: 'lab', caption: 'Back to the lab: the countries share the bars after "relations with".' },
    { kind: 'setText', text: 'Our relations with', caption: 'Without "Great", several countries share the top bars.' },
  ],
};
