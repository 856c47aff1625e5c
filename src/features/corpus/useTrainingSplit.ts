/** The embedded model's training split as public/corpus/index.json lists it (tools/corpus-index/build.ts), with its tuned interpolation. */
import { useEffect, useState } from 'react';
import type { TrainingSplitEntry } from '../../protocol/corpus';
import type { ModelInfo } from '../../protocol/model';

/** λs chosen on the validation split and the test split's perplexities (tools/corpus-index/interpolation.ts). */
export interface TunedInterpolation {
  lambdaSparse: number;
  lambdaDense: number;
  test: { tokens: number; neuralPerplexity: number; combinedPerplexity: number; relativeImprovement: number };
}

export interface TrainingSplit {
  entry: TrainingSplitEntry;
  url: string;
  interpolation: TunedInterpolation | null;
}

interface CorpusFilesIndex {
  split: string;
  models: Record<string, string>;
  corpora: Record<string, TrainingSplitEntry>;
  interpolation?: Record<string, TunedInterpolation>;
}

/** Null while loading, for Hub and folder models, and when the app was built without corpus files. */
export function useTrainingSplit(model: ModelInfo | null): TrainingSplit | null {
  const [split, setSplit] = useState<TrainingSplit | null>(null);
  useEffect(() => {
    setSplit(null);
    if (model?.source.kind !== 'embedded') return;
    const id = model.source.id;
    let live = true;
    fetch(new URL('corpus/index.json', document.baseURI))
      .then((r) => (r.ok ? (r.json() as Promise<CorpusFilesIndex>) : null))
      .then((index) => {
        const entry = index?.corpora[index.models[id]];
        if (live && entry)
          setSplit({
            entry,
            url: new URL(`corpus/${entry.file}`, document.baseURI).href,
            interpolation: index?.interpolation?.[id] ?? null,
          });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [model?.key]);
  return split;
}
