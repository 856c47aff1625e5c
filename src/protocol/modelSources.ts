/** Naming and locating model sources: pure functions both sides of the worker (and the CLI) use. */
import type { ModelSource } from './model';

export const DEFAULT_HUB_URL = 'https://huggingface.co/';

/** Folder URL of a Hub model's files: `<host>/<id>/resolve/<revision>/`. */
export function hubBaseUrl(source: Extract<ModelSource, { kind: 'hub' }>, fallbackHost?: string): string {
  const host = withTrailingSlash(source.host ?? fallbackHost ?? DEFAULT_HUB_URL);
  const revision = encodeURIComponent(source.revision ?? 'main');
  return new URL(`${source.id}/resolve/${revision}/`, host).href;
}

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** A Hub id is `name` or `org/name` with letters, digits, `-`, `_`, `.`. */
export function isHubModelId(id: string): boolean {
  return /^([\w\-.]+\/)?[\w\-.]{1,96}$/.test(id) && !id.includes('..') && !id.includes('--');
}

/**
 * Why a model id typed in the model picker cannot be loaded, as one sentence; null when it
 * can. The picker asks for `org/name` (the Hub's own models have an org too).
 */
export function hubModelIdProblem(id: string): string | null {
  const trimmed = id.trim();
  if (trimmed === '') return 'Type a model id, like Xenova/gpt2.';
  if (/^https?:\/\//i.test(trimmed)) return 'That is a web address: type only the model id, like Xenova/gpt2.';
  if (!trimmed.includes('/') || !isHubModelId(trimmed)) {
    return 'Model ids look like org/name (letters, digits, "-", "_" and "." around one "/", without ".." or "--"), like Xenova/gpt2.';
  }
  return null;
}

/** Why a Hub host typed in the settings cannot be used, as one sentence; null when it can. */
export function hubHostProblem(url: string): string | null {
  const mustBe = 'The Hub host must be an http(s) URL, like https://huggingface.co/.';
  try {
    const { protocol } = new URL(url.trim());
    return protocol === 'http:' || protocol === 'https:' ? null : mustBe;
  } catch {
    return mustBe;
  }
}

/** Stable key for "same model" comparisons in the UI. */
export function sourceKey(source: ModelSource): string {
  switch (source.kind) {
    case 'embedded':
      return `embedded:${source.id}`;
    case 'hub':
      return `hub:${source.id}`;
    case 'folder':
      return `folder:${source.name}`;
    case 'path':
      return `path:${source.path}`;
  }
}

export function sourceLabel(source: ModelSource): string {
  switch (source.kind) {
    case 'embedded':
      return source.id;
    case 'hub':
      return source.id;
    case 'folder':
      return `folder "${source.name}"`;
    case 'path':
      return source.path;
  }
}
