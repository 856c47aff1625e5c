/** Always-visible badge: backend, threads, dtype, and why WebGPU is not used when it is not. */
import { singleThreadReason } from '../protocol/model';
import { useSession } from '../state/sessionStore';

const BACKEND_NAMES = { webgpu: 'WebGPU', wasm: 'WASM', 'node-cpu': 'CPU (Node)' } as const;

export function BackendBadge() {
  const model = useSession((s) => s.model);
  const report = useSession((s) => s.backendReport);
  const health = useSession((s) => s.workerHealth);
  const loadFailed = useSession((s) => s.load.status === 'error');
  if (!model) {
    const text = health === 'failed' ? 'engine stopped' : loadFailed ? 'no model loaded' : 'starting engine…';
    return (
      <div className="badge badge--pending" data-testid="backend.badge" data-backend="none">
        {text}
      </div>
    );
  }
  const threadNote = model.backend === 'wasm' && report ? singleThreadReason(report) : null;
  const why = [
    model.webgpuNotUsedReason && `WebGPU not used: ${model.webgpuNotUsedReason}`,
    threadNote && `one thread: ${threadNote}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <div
      className="badge"
      data-testid="backend.badge"
      data-backend={model.backend}
      data-threads={model.threads}
      data-dtype={model.dtype}
      title={why || undefined}
    >
      <strong>{BACKEND_NAMES[model.backend]}</strong>
      <span>
        {model.threads} {model.threads === 1 ? 'thread' : 'threads'}
      </span>
      <span>{model.dtype}</span>
      {why && (
        <span className="badge__why" data-testid="backend.reason">
          {why}
        </span>
      )}
    </div>
  );
}
