/** Types for tools/serve.mjs (used by the benchmark). */
import type { Server } from 'node:http';
export const ISOLATION_HEADERS: Record<string, string>;
export function createStaticServer(rootDir: string): Server;
export function listen(server: Server, options: { port: number; host: string }, attempts?: number): Promise<string>;
