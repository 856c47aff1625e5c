/** The bundled demos' token ids must be the tokens their texts say, in the model they name. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLED_DEMOS } from './index';

function vocabularyOf(modelId: string): Record<string, number> {
  const tokenizer = JSON.parse(readFileSync(`public/models/${modelId}/tokenizer.json`, 'utf8')) as {
    model: { vocab: Record<string, number> };
  };
  return tokenizer.model.vocab;
}

/** GPT-2's byte-level BPE writes a leading space as Ġ. */
const byteLevel = (text: string) => text.replace(/ /g, 'Ġ');

describe('bundled demos', () => {
  it('are at least the four the issue asks for, with distinct ids', () => {
    expect(BUNDLED_DEMOS.map((d) => d.id)).toEqual(['temperature', 'tokenization-bias', 'key-space', 'bigram']);
  });

  it('name an embedded model and token ids that are the tokens their texts say', () => {
    const models = JSON.parse(readFileSync('public/models/models.json', 'utf8')) as { models: { id: string }[] };
    for (const { script } of BUNDLED_DEMOS) {
      expect(models.models.map((m) => m.id)).toContain(script.model);
      const vocabulary = vocabularyOf(script.model);
      for (const step of script.steps)
        if ((step.kind === 'appendToken' || step.kind === 'openKeySpace') && step.text !== undefined)
          expect(vocabulary[byteLevel(step.text)]).toBe(step.tokenId);
    }
  });

  it('caption every step, and cut the bias prompts mid-word', () => {
    for (const { script } of BUNDLED_DEMOS) for (const step of script.steps) expect(step.caption).toBeTruthy();
    const bias = BUNDLED_DEMOS.find((d) => d.id === 'tokenization-bias')!.script;
    const prompts = bias.steps.flatMap((s) => (s.kind === 'setBiasPrompt' ? [s.prompt] : []));
    expect(prompts.length).toBeGreaterThanOrEqual(4);
    for (const prompt of prompts) expect(prompt).toMatch(/\p{L}$/u);
  });

  it('play the temperature presets 0.01, 0.5, 1 and 2', () => {
    const temperature = BUNDLED_DEMOS.find((d) => d.id === 'temperature')!.script;
    const temperatures = temperature.steps.flatMap((s) => (s.kind === 'setSettings' ? [s.settings.temperature] : []));
    expect(temperatures).toEqual([0.01, 0.5, 1, 2]);
  });
});
