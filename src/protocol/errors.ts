/** Errors as they cross the worker boundary: a code the UI can act on and a sentence. */

export type EngineErrorCode =
  | 'cancelled'
  | 'no-model'
  | 'bad-request'
  | 'model-file-missing'
  | 'model-file-invalid'
  | 'unsupported-model'
  | 'network'
  /** The worker's ONNX Runtime build cannot serve the requested backend: restart the worker. */
  | 'needs-new-worker'
  | 'runtime';

/** Plain-data form of any thrown value, for replies and JSON output. */
export interface ErrorReport {
  code: EngineErrorCode;
  message: string;
  file: string | null;
}
