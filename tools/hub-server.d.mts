/** Types for tools/hub-server.mjs (used by tests and the benchmark). */
export interface HubServer {
  url: string;
  requests: { path: string; status: number }[];
  close(): Promise<void>;
}
export function embeddedModelMap(modelsDir?: string): Record<string, string>;
export function startHubServer(options?: { port?: number; models?: Record<string, string> }): Promise<HubServer>;
