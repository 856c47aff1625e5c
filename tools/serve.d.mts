/** Types for tools/serve.mjs (used by the benchmark, vite.config.ts and tests). */
import type { Server } from 'node:http';
export const ISOLATION_HEADERS: Record<string, string>;
export const HUB_CONNECT_SOURCES: string[];
export const INFINI_GRAM_CONNECT_SOURCES: string[];
export function connectSourceOf(url: string): string;
export function contentSecurityPolicy(extraConnectSources?: string[], options?: { nonce?: string }): string;
export function securityHeaders(extraConnectSources?: string[], options?: { nonce?: string }): Record<string, string>;
export function connectSourcesFromEnv(env?: Record<string, string | undefined>): string[];
export function createStaticServer(rootDir: string, options?: { connectSources?: string[] }): Server;
export function listen(server: Server, options: { port: number; host: string }, attempts?: number): Promise<string>;
