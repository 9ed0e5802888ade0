// Types for demo/server.mjs (used by the browser tests).
export interface DemoServer {
  /** e.g. "http://localhost:8080/" (with the trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}
export function startServer(opts?: { port?: number; host?: string }): Promise<DemoServer>;
