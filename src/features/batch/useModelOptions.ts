/** The models a batch can run: the embedded ones, and the loaded Hub or folder model. */
import { useMemo } from 'react';
import { modelKey, type BatchModel } from '../../core/batch/definition';
import { useSession } from '../../state/sessionStore';
import { useEmbeddedModels } from '../models/useEmbeddedModels';
import type { ModelOption } from './batchForm';

export function useModelOptions(): { options: ModelOption[]; error: string | null } {
  const { models, error } = useEmbeddedModels();
  const info = useSession((s) => s.model);
  const selection = useSession((s) => s.selection);
  const options = useMemo(() => {
    const list: ModelOption[] = models.map((m) => {
      const model: BatchModel = { id: m.id, source: { kind: 'embedded', fileHashes: [] } };
      return { key: modelKey(model), label: m.isDefault ? `${m.label} (default)` : m.label, model };
    });
    const source = selection?.source;
    if (info && source && (source.kind === 'hub' || source.kind === 'folder')) {
      // The loaded model's file hashes pin it: a batch re-run on changed files is refused, not silently different.
      const model: BatchModel =
        source.kind === 'hub'
          ? {
              id: source.id,
              source: { kind: 'hub', revision: source.revision ?? 'main', fileHashes: info.fileHashes },
              ...(selection.dtype !== 'auto' ? { dtype: selection.dtype } : {}),
            }
          : {
              id: source.name,
              source: { kind: 'folder', folderName: source.name, fileHashes: info.fileHashes },
              ...(selection.dtype !== 'auto' ? { dtype: selection.dtype } : {}),
            };
      list.push({
        key: modelKey(model),
        label: `${info.label} (loaded ${source.kind === 'hub' ? 'from the Hub' : 'folder'})`,
        model,
      });
    }
    return list;
  }, [models, info, selection]);
  return { options, error };
}
