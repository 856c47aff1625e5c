/**
 * The tokenizer lab's bias-lens prompt, in a store rather than the panel's state so a demo
 * script can set it and a recording can see it.
 */
import { create } from 'zustand';
import { BIAS_DEMO_PROMPTS } from '../core/tokenizers';

/** "the State of the Uni": " Union" is one token of the default model. */
export const DEFAULT_BIAS_PROMPT = BIAS_DEMO_PROMPTS[2].text;

export const useBiasLens = create<{ prompt: string }>(() => ({ prompt: DEFAULT_BIAS_PROMPT }));

export function setBiasPrompt(prompt: string): void {
  useBiasLens.setState({ prompt });
}
