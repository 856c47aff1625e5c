/**
 * The baseline page: starts the worker at once, loads the model the query names and runs the
 * first forward, then stays open for the bench's calls (`window.__baseline`).
 *
 *   index.html?model=sotu-gpt-long&dtype=fp32&threads=2&text=…
 */
import type { BaselineApi, BaselineLoad, BaselineMessage, BaselineReply, BaselineRequest } from './protocol';

const query = new URLSearchParams(location.search);
const settings: BaselineLoad = {
  model: query.get('model') ?? '',
  dtype: query.get('dtype') ?? 'fp32',
  threads: Number(query.get('threads') ?? 1),
  text: query.get('text') ?? '',
};

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, { resolve: (reply: BaselineReply) => void; reject: (error: Error) => void }>();
let nextId = 1;
worker.onmessage = (event: MessageEvent<BaselineMessage>) => {
  const message = event.data;
  const waiting = pending.get(message.id);
  pending.delete(message.id);
  if (message.ok) waiting?.resolve(message.reply);
  else waiting?.reject(new Error(message.error));
};

const api: BaselineApi = {
  firstForwardAt: null,
  load: null,
  error: null,
  call(request: BaselineRequest) {
    const id = nextId++;
    return new Promise<BaselineReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, request });
    });
  },
};
window.__baseline = api;

api.call({ kind: 'load', ...settings }).then(
  (reply) => {
    api.firstForwardAt = performance.now();
    api.load = reply;
    document.body.textContent = `Loaded ${settings.model}: from_pretrained ${reply.elapsedMs.toFixed(0)} ms, first forward ${reply.forwardMs?.toFixed(1)} ms.`;
  },
  (error: Error) => {
    api.error = error.message;
    document.body.textContent = `Failed: ${error.message}`;
  },
);
