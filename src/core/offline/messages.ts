/** What the page and the service worker say to each other (postMessage; answers come back on a MessageChannel port). */
import type { CachedFile } from './cacheSummary';

export type OfflineRequest =
  /** The waiting version takes over (the user chose "update ready — reload"). */
  | { type: 'skip-waiting' }
  /** Every file the worker's caches hold → OfflineContents. */
  | { type: 'contents' }
  /** Cache these paths (relative to the base) if they are not yet → OfflineCacheResult. */
  | { type: 'cache-paths'; paths: string[] };

export interface OfflineContents {
  version: string;
  shell: CachedFile[];
  files: CachedFile[];
}

export interface OfflineCacheResult {
  cached: number;
  failed: string[];
}

/** Sent by the worker to every page it controls after it caches a file, so the badge's sizes follow. */
export const FILES_CACHED_MESSAGE = 'tokenscope-files-cached';
