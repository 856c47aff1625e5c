/** The models a batch can run: the embedded ones, and the loaded Hub or folder model. */
import { useEffect, useMemo, useState } from 'react';
import { modelKey, type BatchModel } from '../../core/batch/definition';
import type { ModelFileHash } from '../../protocol/model';
import { loadedFileHashes } from '../../state/experimentSaveActions';
import { useSession } from '../../state/sessionStore';
import { useEmbeddedModels } from '../models/useEmbeddedModels';
import type { ModelOption } from './batchForm';

export function useModelOptions(): { options: ModelOption[]; error: string | null } {
  const { models, error } = useEmbeddedModels();
  const info = useSession((s) => s.model);
  const selection = useSession((s) => s.selection);
  // The worker hashes the files on the first ask: the loaded model is offered once they are in.
  const [hashes, setHashes] = useState<{ loadId: string; files: ModelFileHash[] } | null>(null);
  const pinnable = info !== null && (info.source.kind === 'hub' || info.source.kind === 'folder');
  useEffect(() => {
    if (!info || !pinnable) return;
    let current = true;
    loadedFileHashes(info).then(
      (files) => current && setHashes({ loadId: info.loadId, files }),
      () => undefined, // another model was loaded since: its own ask follows
    );
    return () => {
      current = false;
    };
  }, [info, pinnable]);
  const options = useMemo(() => {
    const list: ModelOption[] = models.map((m) => {
      const model: BatchModel = { id: m.id, source: { kind: 'embedded', fileHashes: [] } };
      return { key: modelKey(model), label: m.isDefault ? `${m.label} (default)` : m.label, model };
    });
    const source = selection?.source;
    const fileHashes = info && hashes?.loadId === info.loadId ? hashes.files : null;
    if (info && fileHashes && source && (source.kind === 'hub' || source.kind === 'folder')) {
      // The loaded model's file hashes pin it: a batch re-run on changed files is refused, not silently different.
      const model: BatchModel =
        source.kind === 'hub'
          ? {
              id: source.id,
              source: { kind: 'hub', revision: source.revision ?? 'main', fileHashes },
              ...(selection.dtype !== 'auto' ? { dtype: selection.dtype } : {}),
            }
          : {
              id: source.name,
              source: { kind: 'folder', folderName: source.name, fileHashes },
              ...(selection.dtype !== 'auto' ? { dtype: selection.dtype } : {}),
            };
      list.push({
        key: modelKey(model),
        label: `${info.label} (loaded ${source.kind === 'hub' ? 'from the Hub' : 'folder'})`,
        model,
      });
    }
    return list;
  }, [models, info, selection, hashes]);
  return { options, error };
}
