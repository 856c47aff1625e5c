/** Model files over HTTP: the app's own `/models/` folder or a Hub-style host. */
import { EngineError } from '../errors';
import {
  htmlPageError,
  looksLikeHtml,
  readBodyWithProgress,
  type FileReadOptions,
  type FileReadResult,
  type ModelFileProvider,
} from './fileProvider';

const NOT_FOUND_STATUSES = new Set([404, 410]);

export interface HttpFileProviderOptions {
  /**
   * Ask the server whether a cached copy is still current (embedded models are retrained in
   * place: a stale HTTP cache entry must not win).
   */
  revalidate?: boolean;
  /**
   * Read an HTML answer as a missing file: right for the app's own folder, where a
   * single-page-app fallback answers every unknown path with index.html. A Hub answers a
   * missing file with 404, so there an HTML page is an error that says so.
   */
  htmlPageMeansMissing?: boolean;
}

export class HttpFileProvider implements ModelFileProvider {
  readonly where: string;

  /**
   * @param baseUrl folder URL ending in `/`, e.g. `http://127.0.0.1:5173/models/sotu-gpt/`
   * @param modelLabel the name used in error messages
   */
  constructor(
    private readonly baseUrl: string,
    private readonly modelLabel: string,
    private readonly options: HttpFileProviderOptions = {},
  ) {
    this.where = baseUrl;
  }

  urlOf(path: string): string {
    return new URL(path, this.baseUrl).href;
  }

  async read(path: string, options: FileReadOptions = {}): Promise<FileReadResult | null> {
    const url = this.urlOf(path);
    let response: Response;
    try {
      response = await fetch(url, { signal: options.signal, cache: this.options.revalidate ? 'no-cache' : 'default' });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new EngineError(
        'network',
        `Could not reach ${url} while loading ${this.modelLabel} (${describeFetchFailure(error)}).`,
        path,
      );
    }
    if (NOT_FOUND_STATUSES.has(response.status)) {
      await response.body?.cancel();
      return null;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new EngineError(
        'network',
        `${this.modelLabel}: access to ${path} was refused (HTTP ${response.status}); the model may be gated or private.`,
        path,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new EngineError(
        'network',
        `${this.modelLabel}: the server answered HTTP ${response.status} for ${path} (${url}).`,
        path,
      );
    }
    if ((response.headers.get('content-type') ?? '').includes('text/html')) {
      await response.body?.cancel();
      if (this.options.htmlPageMeansMissing) return null;
      throw htmlPageError(this.modelLabel, path, url);
    }
    const bytes = await readBodyWithProgress(response, options.onBytes);
    // A page sent without an HTML content type is still not the file. Only JSON and ONNX files
    // are checked: they never start with `<`, while raw weight files (.onnx_data) may.
    if (/\.(json|onnx)$/.test(path) && looksLikeHtml(bytes)) throw htmlPageError(this.modelLabel, path, url);
    return { bytes, fromCache: false };
  }
}

function describeFetchFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
