/**
 * `mcp`: the MCP server's start as a client sees it — from spawning `pgwarden mcp` to the answer of its first
 * `tools/list` (after `initialize`), a fresh Node process per run, over raw JSON-RPC on stdio so no client library's
 * own start is counted. The CPU time the server used to get there (user + system, read from /proc when it exits)
 * is reported beside the wall time: on a loaded machine the wall time is mostly waiting for a core.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  distPath,
  fmtMs,
  type GoalLine,
  log,
  mdTable,
  now,
  ROOT,
  type Stats,
  sharedTempDir,
  stats,
  yesNo,
} from './lib.js';

export const MCP_START_GOAL_MS = 1000;

export interface McpStartSample {
  /** Spawn → the initialize response. */
  readonly initializeMs: number;
  /** Spawn → the tools/list response. */
  readonly toolsListMs: number;
  /** CPU time (user + system) of the server process until the tools/list response. */
  readonly cpuMs: number | null;
  readonly tools: number;
}

export interface McpStartResult {
  readonly runs: number;
  readonly warmup: number;
  readonly command: string;
  readonly samples: McpStartSample[];
  readonly initialize: Stats;
  readonly toolsList: Stats;
  readonly cpu: Stats | null;
  readonly loadAverage: number;
  readonly goalMs: number;
  readonly met: boolean;
}

/** utime + stime of a live process, from /proc (Linux), in ms; null elsewhere. */
function cpuOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // fields[11] and fields[12] are utime and stime (14th and 15th of the whole line), in clock ticks (100 Hz)
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function send(child: ChildProcessWithoutNullStreams, message: Record<string, unknown>): void {
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

async function startOnce(project: string): Promise<McpStartSample> {
  const start = now();
  const child = spawn(
    process.execPath,
    [distPath('bin/pgwarden.js'), 'mcp', '--quiet', '--project', project],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '' },
    },
  );
  let initializeMs = 0;
  const sample = await new Promise<McpStartSample>((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      reject(new Error(`pgwarden mcp exited (${code}) before tools/list: ${stderr}`)),
    );
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const message = JSON.parse(buffer.slice(0, end)) as { id?: number; result?: { tools?: unknown[] } };
        buffer = buffer.slice(end + 1);
        if (message.id === 1) {
          initializeMs = now() - start;
          send(child, { method: 'notifications/initialized' });
          send(child, { id: 2, method: 'tools/list' });
        } else if (message.id === 2) {
          const toolsListMs = now() - start;
          resolve({
            initializeMs,
            toolsListMs,
            cpuMs: cpuOf(child.pid),
            tools: message.result?.tools?.length ?? 0,
          });
        }
      }
    });
    send(child, {
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'bench', version: '1' },
      },
    });
  });
  child.removeAllListeners('exit');
  const exited = new Promise((done) => child.once('exit', done));
  child.stdin.end();
  await exited;
  return sample;
}

export async function runMcpStart(
  options: { readonly runs?: number; readonly warmup?: number } = {},
): Promise<McpStartResult> {
  const runs = options.runs ?? 15;
  const warmup = options.warmup ?? 2;
  const project = sharedTempDir('mcp-start');
  try {
    log(`mcp: ${warmup} warm-up + ${runs} measured starts of pgwarden mcp, each to its first tools/list`);
    for (let i = 0; i < warmup; i++) await startOnce(project.path);
    const samples: McpStartSample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await startOnce(project.path));
    if (samples.some((s) => s.tools === 0)) throw new Error('tools/list answered without tools');
    const cpu = samples.every((s) => s.cpuMs !== null) ? stats(samples.map((s) => s.cpuMs!)) : null;
    const toolsList = stats(samples.map((s) => s.toolsListMs));
    const result: McpStartResult = {
      runs,
      warmup,
      command: 'node dist/bin/pgwarden.js mcp --quiet --project DIR; initialize, then tools/list',
      samples,
      initialize: stats(samples.map((s) => s.initializeMs)),
      toolsList,
      cpu,
      loadAverage: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
      goalMs: MCP_START_GOAL_MS,
      met: toolsList.median <= MCP_START_GOAL_MS,
    };
    log(
      `mcp: tools/list after ${fmtMs(toolsList.median)} (median), CPU ${cpu ? fmtMs(cpu.median) : 'n/a'}, load ${result.loadAverage}`,
    );
    return result;
  } finally {
    await project.remove();
  }
}

export function mcpStartGoals(result: McpStartResult): GoalLine[] {
  return [
    {
      benchmark: '`pgwarden mcp` start to its first `tools/list`',
      goal: `median ≤ ${result.goalMs} ms`,
      result: `median ${fmtMs(result.toolsList.median)} (CPU ${result.cpu ? fmtMs(result.cpu.median) : 'n/a'})`,
      met: result.met,
      peer: '—',
    },
  ];
}

export function renderMcpStart(result: McpStartResult): string {
  const row = (label: string, s: Stats) => [label, fmtMs(s.median), fmtMs(s.p90), fmtMs(s.min), fmtMs(s.max)];
  return [
    `Each run spawns \`${result.command}\` and times it from spawn to each answer, over raw JSON-RPC on stdio; ${result.warmup} warm-up runs, then ${result.runs} measured. Load average when it finished: ${result.loadAverage}.`,
    '',
    mdTable(
      ['Measure', 'Median', 'p90', 'Min', 'Max'],
      [
        row('spawn → initialize answered', result.initialize),
        row('spawn → tools/list answered', result.toolsList),
        ...(result.cpu ? [row('CPU time of the server to tools/list', result.cpu)] : []),
      ],
    ),
    '',
    mdTable(
      ['Goal', 'Result', 'Met'],
      [[`median ≤ ${result.goalMs} ms`, fmtMs(result.toolsList.median), yesNo(result.met)]],
    ),
  ].join('\n');
}
