/** One picker for models from anywhere: embedded, Hub, or a folder from disk. */
import { dismissLoadError } from '../../state/engineActions';
import { useSession } from '../../state/sessionStore';
import { EmbeddedModels } from './EmbeddedModels';
import { FolderModel } from './FolderModel';
import { HubModels } from './HubModels';
import { LoadProgressView } from './LoadProgressView';

export function ModelPicker() {
  const load = useSession((s) => s.load);
  const model = useSession((s) => s.model);
  return (
    <div className="model-picker" data-testid="model.picker">
      {load.status === 'loading' && load.target && <LoadProgressView target={load.target} progress={load.progress} />}
      {load.status === 'error' && load.error && (
        <div className="load-error" role="alert" data-testid="load.error" data-file={load.error.file ?? ''}>
          <p>
            <strong>Could not load {load.target}.</strong> {load.error.message}
          </p>
          {model && <p className="muted">Still using {model.label}.</p>}
          <button type="button" onClick={dismissLoadError}>
            Dismiss
          </button>
        </div>
      )}
      <EmbeddedModels />
      <HubModels />
      <FolderModel />
    </div>
  );
}
