/** The embedded models the build found in public/models (served as /embedded-models.json). */
import { useEffect, useState } from 'react';
import { z } from 'zod';

const embeddedModelSchema = z.object({
  id: z.string(),
  label: z.string(),
  summary: z.string().nullable(),
  isDefault: z.boolean(),
  isSecondDefault: z.boolean(),
  modelType: z.string(),
  layerCount: z.number().nullable(),
  hiddenSize: z.number().nullable(),
  vocabSize: z.number().nullable(),
  contextTokens: z.number().nullable(),
  downloadBytes: z.number(),
  hasModelCard: z.boolean(),
});

export type EmbeddedModel = z.infer<typeof embeddedModelSchema>;

export function useEmbeddedModels(): { models: EmbeddedModel[]; error: string | null } {
  const [state, setState] = useState<{ models: EmbeddedModel[]; error: string | null }>({ models: [], error: null });
  useEffect(() => {
    let live = true;
    fetch(new URL('embedded-models.json', document.baseURI))
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      })
      .then((json: unknown) => {
        const models = z.array(embeddedModelSchema).parse(json);
        if (live) setState({ models, error: null });
      })
      .catch(
        (error: unknown) =>
          live &&
          setState({
            models: [],
            error: `Could not list the embedded models (${error instanceof Error ? error.message : String(error)}).`,
          }),
      );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
