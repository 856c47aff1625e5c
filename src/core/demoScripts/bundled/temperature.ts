import type { DemoScriptInput } from '../schema';

const again = (temperature: number, caption: string): DemoScriptInput['steps'] => [
  { kind: 'backToText', caption: 'Back to the prompt: the continuation so far stays in the tree.' },
  { kind: 'setSettings', settings: { temperature }, caption },
  { kind: 'sampleStep', count: 8, caption: `Eight sampled tokens at temperature ${temperature}, same seed.` },
];

/** The Theory-of-Mind study's temperatures (0.01 / 0.5 / 1 / 2) on one prompt, with one seed. */
export const TEMPERATURE_DEMO: DemoScriptInput = {
  format: 'tokenscope-demo',
  version: 1,
  title: 'Temperature: 0.01, 0.5, 1 and 2 on one prompt',
  description:
    'One prompt, one seed, four temperatures: the bars flatten as the temperature rises, and the sampled continuation goes from the single most likely path to noise.',
  model: 'sotu-gpt-long',
  start: {
    text: 'Fellow-Citizens of the Senate and House of Representatives: The state of the Union is',
    settings: { temperature: 1, seed: 7, topK: 0, topP: 1, minP: 0 },
  },
  steps: [
    {
      kind: 'setSettings',
      settings: { temperature: 0.01 },
      caption: 'Temperature 0.01: the top token takes almost all the probability, so sampling is greedy.',
    },
    { kind: 'sampleStep', count: 8, caption: 'Eight sampled tokens at temperature 0.01: the most likely path.' },
    ...again(0.5, 'Temperature 0.5: the top bars still dominate, but the runners-up get a chance.'),
    ...again(1, 'Temperature 1: the model’s own probabilities, unchanged.'),
    ...again(2, 'Temperature 2: the distribution flattens; rare tokens get real probability.'),
  ],
};
