/**
 * The one worker client of the page. Its own module so every action file (engineActions.ts,
 * which starts it, nextTokenActions.ts, batchActions.ts, …) can reach it without importing the
 * others. Components and actions import it from here.
 */
import type { EngineClient } from '../worker/client';

let client: EngineClient | null = null;

/** The client startEngine() created; throws before that. */
export function engineClient(): EngineClient {
  if (!client) throw new Error('startEngine() has not run');
  return client;
}

/** Whether startEngine() has created the client. */
export function hasEngineClient(): boolean {
  return client !== null;
}

/** Installs the client (startEngine(), once). */
export function setEngineClient(created: EngineClient): void {
  client = created;
}
