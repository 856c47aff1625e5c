/**
 * The types of an open experiments database (database.ts opens one). Their own file so
 * errors.ts can name the database without importing database.ts, which imports errors.ts.
 * Import them from database.ts or the storage index.
 */
import type { EntryStore } from './entryStore';

export type CloseReason = 'versionchange' | 'terminated' | 'closed';

/** An open experiments database. */
export interface ExperimentsDatabase {
  readonly name: string;
  /** Why the connection is closed, or null while it is open. */
  readonly closedReason: CloseReason | null;
  /** The entry store the experiments repository runs on. */
  readonly entries: EntryStore;
  close(): void;
}
