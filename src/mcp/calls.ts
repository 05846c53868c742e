/**
 * What a tool call carries beyond its input: the client's progress token and its cancellation. Every tool runs
 * inside `inCall`: what it logs reaches the client as progress notifications (when the client asked for them, with
 * a progressToken), and when the client cancels the request its database work stops — the running queries are
 * cancelled on the server and the sessions closed (src/db/cancel.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as lib from '../index.js';

interface CallExtra {
  readonly signal?: AbortSignal;
  readonly _meta?: { readonly progressToken?: string | number };
  readonly sendNotification?: (notification: {
    method: 'notifications/progress';
    params: { progressToken: string | number; progress: number; total?: number; message?: string };
  }) => Promise<void>;
}

interface Call {
  readonly extra: CallExtra;
  /** The last progress sent: each notification's must be greater. */
  progress: number;
  /** The tool reports numbered steps (`stepProgress`): its other log lines are not progress. */
  stepped: boolean;
}

const calls = new AsyncLocalStorage<Call>();

function send(call: Call, progress: number, message: string, total?: number): void {
  const token = call.extra._meta?.progressToken;
  if (token === undefined || !call.extra.sendNotification || call.extra.signal?.aborted) return;
  call.progress = progress;
  void call.extra
    .sendNotification({
      method: 'notifications/progress',
      params: { progressToken: token, progress, ...(total === undefined ? {} : { total }), message },
    })
    .catch(() => {});
}

/** A log line of the current tool call, as a progress notification (numbered 1, 2, 3 …; no total). */
export function logProgress(message: string): void {
  const call = calls.getStore();
  if (call && !call.stepped) send(call, call.progress + 1, message);
}

/** The current call reports its progress in numbered steps only (`stepProgress`), not its log lines. */
export function progressInSteps(): void {
  const call = calls.getStore();
  if (call) call.stepped = true;
}

/** Progress in numbered steps (check_project's checklist): `done` steps of `total`. */
export function stepProgress(done: number, total: number, message: string): void {
  const call = calls.getStore();
  if (call && done > call.progress) send(call, done, message, total);
}

/** Runs a tool call: its log as progress, its database work cancelled with the request. */
export function inCall<T>(extra: CallExtra, work: () => Promise<T>): Promise<T> {
  return calls.run({ extra, progress: 0, stepped: false }, () => lib.cancellable(extra.signal, work));
}

/** Every tool registered on `server` from here on runs inside `inCall`. */
export function callAware(server: McpServer): void {
  const register = server.registerTool.bind(server);
  server.registerTool = ((name: string, config: never, callback: (...args: unknown[]) => Promise<unknown>) =>
    register(name, config, ((...args: unknown[]) =>
      inCall(args.at(-1) as CallExtra, () => callback(...args))) as never)) as typeof server.registerTool;
}
