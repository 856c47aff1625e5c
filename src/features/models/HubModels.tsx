/**
 * Hub models: a curated list that fits a browser, and any model id. Nothing touches the
 * network until the user presses Load; downloaded files are kept for offline use ("cached").
 */
import { useState } from 'react';
import { hubModelIdProblem } from '../../protocol/modelSources';
import type { Dtype } from '../../protocol/model';
import { clearCachedModels, loadModel } from '../../state/engineActions';
import { useSession } from '../../state/sessionStore';
import { CURATED_HUB_MODELS } from './curatedModels';
import { formatBytes } from '../../core/formatBytes';
import { HubHostPolicyNote } from './HubHostPolicyNote';

const DTYPES: Dtype[] = ['auto', 'fp32', 'q8', 'q4', 'fp16', 'q4f16'];

function useLikelyBackend(): 'webgpu' | 'wasm' {
  const settings = useSession((s) => s.settings);
  const report = useSession((s) => s.backendReport);
  return settings.backend === 'auto' && report?.webgpuAdapter ? 'webgpu' : 'wasm';
}

export function HubModels() {
  const hubUrl = useSession((s) => s.settings.hubUrl);
  const cached = useSession((s) => s.cachedModels);
  const loading = useSession((s) => s.load.status === 'loading');
  const backend = useLikelyBackend();
  const [customId, setCustomId] = useState('');
  const [customDtype, setCustomDtype] = useState<Dtype>('auto');
  const cachedById = new Map(cached.map((entry) => [entry.modelId, entry]));
  const load = (id: string, dtype: Dtype) => void loadModel({ source: { kind: 'hub', id, host: hubUrl }, dtype });
  const idProblem = hubModelIdProblem(customId);
  // An empty field needs no sentence: the disabled Load button and the placeholder say enough.
  const shownProblem = customId.trim() === '' ? null : idProblem;
  return (
    <section className="picker-section" aria-labelledby="hub-heading">
      <h3 id="hub-heading">
        Hugging Face Hub <span className="muted">({new URL(hubUrl).host}, needs the network the first time)</span>
      </h3>
      <HubHostPolicyNote hubUrl={hubUrl} />
      <ul className="model-list">
        {CURATED_HUB_MODELS.map((model) => {
          const dtype = model.recommended[backend];
          const inCache = cachedById.get(model.id);
          return (
            <li key={model.id}>
              <button
                type="button"
                data-testid={`model.hub.${model.id}`}
                disabled={loading}
                onClick={() => load(model.id, dtype)}
              >
                {model.id}
              </button>
              <span className="model-list__meta">
                {model.description} · {model.parametersMillions}M params · {dtype} on{' '}
                {backend === 'webgpu' ? 'WebGPU' : 'WASM'} ≈ {model.approxDownloadMB[backend]} MB
                {model.note && <> · {model.note}</>}
                {inCache && (
                  <span className="cached-mark" data-testid="model.cached">
                    {' '}
                    · cached ({formatBytes(inCache.totalBytes)})
                  </span>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      <form
        className="hub-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (idProblem === null) load(customId.trim(), customDtype);
        }}
      >
        <label>
          Model id
          <input
            data-testid="model.hub.id"
            value={customId}
            placeholder="org/name"
            aria-invalid={shownProblem !== null}
            aria-describedby={shownProblem ? 'hub-id-problem' : undefined}
            onChange={(event) => setCustomId(event.target.value)}
          />
        </label>
        <label>
          dtype
          <select
            data-testid="model.hub.dtype"
            value={customDtype}
            onChange={(event) => setCustomDtype(event.target.value as Dtype)}
          >
            {DTYPES.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="model.hub.load" disabled={idProblem !== null || loading}>
          Load
        </button>
        {shownProblem && (
          <p className="error" id="hub-id-problem" data-testid="model.hub.id.problem">
            {shownProblem}
          </p>
        )}
      </form>
      {cached.length > 0 && (
        <div className="cache-list" data-testid="cache.list">
          <h4>Downloaded Hub models</h4>
          <ul>
            {cached.map((entry) => (
              <li key={entry.modelId} data-testid="cache.entry" data-model={entry.modelId}>
                {entry.modelId} · {entry.files.length} files · {formatBytes(entry.totalBytes)}
                <button type="button" onClick={() => void clearCachedModels(entry.modelId)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <button type="button" data-testid="cache.clear" onClick={() => void clearCachedModels()}>
            Clear all downloaded models
          </button>
        </div>
      )}
    </section>
  );
}
