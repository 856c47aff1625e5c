/**
 * The batch runner's forward passes, arranged so a sample's logits do not depend on what ran
 * before it.
 *
 * Why: the engine's KV-cached `step` reuses the longest cached prefix, and logits computed in one
 * chunk differ from those computed token by token in the last float bits (about 1e-5 on
 * sotu-gpt under onnxruntime-node). A sample drawn after another prompt, or after another
 * sample of the same prompt, would then see slightly different numbers than in a run split into
 * shards or resumed, and a draw near a boundary would flip. So every task computes the same way:
 *
 *   the start token alone (one forward of [start]), the prompt as one chunk on top of it, then
 *   each generated token on its own.
 *
 * The KV entries of that path are reused where they are the same computation: the start token
 * (when a different prompt follows, it shares only the start token), and the prompt's whole
 * prefix for the next sample of the same prompt, whose first logits are then the ones kept from
 * the chunk (a step on [start, …prompt] would recompute the prompt's last token alone, another
 * computation). Anything else (an unknown cache after a load, two prompts sharing leading tokens,
 * a task that slides past the context window) starts again from the start token.
 */
import { commonPrefixLength, sameIds } from '../core/context/tokenPrefix';
import type { Engine } from './engine';

export class CanonicalSteps {
  /** The ids the engine's step cache holds when they were computed on the canonical path; null when unknown. */
  private cached: number[] | null = null;
  /** The last prompt computed, with its first logits, while the cache still holds it. */
  private memo: { prompt: number[]; logits: Float32Array } | null = null;
  /** [start, …prompt] of the task in progress. */
  private prefix: number[] = [];
  /** Whether the task in progress stays within one context window. */
  private fits = true;

  constructor(
    private readonly engine: Pick<Engine, 'step'>,
    private readonly startTokenId: number,
    private readonly windowTokens: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Logits for the first token after [start, …prompt]: a new task begins. */
  async first(prompt: readonly number[], maxNewTokens: number): Promise<Float32Array> {
    const start = this.startTokenId;
    this.prefix = [start, ...prompt];
    // The longest context a step of this task sees: the last drawn token is never fed back.
    this.fits = this.prefix.length + maxNewTokens - 1 <= this.windowTokens;
    if (!this.fits) {
      // Past the window the engine slides; from the start token alone it slides the same way every time.
      this.memo = null;
      await this.step([start]);
      return this.step(this.prefix);
    }
    if (this.memo && sameIds(this.memo.prompt, prompt)) return this.memo.logits;
    if (this.cached === null || commonPrefixLength(this.cached, this.prefix) !== 1) await this.step([start]);
    const logits = await this.step(this.prefix);
    this.memo = { prompt: [...prompt], logits };
    return logits;
  }

  /** Logits for the token after [start, …prompt, …generated]. */
  next(generated: readonly number[]): Promise<Float32Array> {
    return this.step([...this.prefix, ...generated]);
  }

  /** The task is over: after one that slid past the window the cache is not on the path any more. */
  finish(): void {
    if (!this.fits) {
      this.cached = null;
      this.memo = null;
    }
  }

  private async step(ids: number[]): Promise<Float32Array> {
    // Until the step returns, the cache is unknown: a step that fails may have left anything in it.
    this.cached = null;
    try {
      const { logits } = await this.engine.step({ ids }, { signal: this.signal });
      this.cached = this.fits ? ids : null;
      return logits;
    } catch (error) {
      this.memo = null;
      throw error;
    }
  }
}
