/** Models shipped with the app: they load from our own origin, offline. */
import { loadModel } from '../../state/engineActions';
import { useSession } from '../../state/sessionStore';
import { formatBytes } from '../../core/formatBytes';
import { useEmbeddedModels } from './useEmbeddedModels';

export function EmbeddedModels() {
  const { models, error } = useEmbeddedModels();
  const current = useSession((s) => s.model?.key);
  const loading = useSession((s) => s.load.status === 'loading');
  return (
    <section className="picker-section" aria-labelledby="embedded-heading">
      <h3 id="embedded-heading">Embedded (offline)</h3>
      {error && <p className="error">{error}</p>}
      <ul className="model-list">
        {models.map((model) => {
          const key = `embedded:${model.id}`;
          return (
            <li key={model.id} className={key === current ? 'is-current' : undefined}>
              <button
                type="button"
                data-testid={`model.embedded.${model.id}`}
                disabled={loading || key === current}
                onClick={() => void loadModel({ source: { kind: 'embedded', id: model.id }, dtype: 'auto' })}
              >
                {model.label}
              </button>
              {model.summary && <span>{model.summary}</span>}
              <span className="model-list__meta">
                {model.modelType} · {model.layerCount ?? '?'} layers × {model.hiddenSize ?? '?'} · vocab{' '}
                {model.vocabSize?.toLocaleString('en-US') ?? '?'} · context {model.contextTokens ?? '?'} ·{' '}
                {formatBytes(model.downloadBytes)}
                {model.hasModelCard && (
                  <>
                    {' '}
                    ·{' '}
                    <a href={`models/${model.id}/MODEL_CARD.md`} target="_blank" rel="noreferrer">
                      model card
                    </a>
                  </>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
