import type { Finding } from '../core/finding.js';
import { oneLine } from './build.js';
import type { HealthSummary } from './summary.js';

export type NagiosCode = 0 | 1 | 2 | 3;

export interface NagiosStatus {
  /** 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN: the plugin's exit code. */
  readonly code: NagiosCode;
  /** One line: `PGWARDEN_HEALTH CRITICAL: … | perfdata`. */
  readonly line: string;
}

const LABELS = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/** Errors are critical, warnings warnings; info findings do not change the status. */
export function nagiosStatus(input: {
  readonly findings: readonly Finding[];
  readonly health: HealthSummary;
}): NagiosStatus {
  const errors = input.findings.filter((f) => f.severity === 'error');
  const warnings = input.findings.filter((f) => f.severity === 'warning');
  const code: NagiosCode = errors.length > 0 ? 2 : warnings.length > 0 ? 1 : 0;
  const worst = errors[0] ?? warnings[0];
  const { health } = input;
  const summary =
    code === 0
      ? `${health.server.database}: no problem found (${input.findings.length} notes)`
      : `${errors.length} critical, ${warnings.length} warning: ${worst!.rule}: ${oneLine(worst!.message, 200)}`;
  const oldestXid = Math.max(0, ...health.wraparound.databases.map((d) => d.xidAge));
  const perf = [
    `connections=${health.connections.total};;;0;${health.connections.max}`,
    `xid_age=${oldestXid}`,
    `xmin_horizon_age=${health.horizon[0]?.xminAge ?? 0}`,
    `blocked=${health.sessions.filter((s) => s.blockedBy.length > 0).length}`,
    `critical=${errors.length}`,
    `warning=${warnings.length}`,
  ].join(' ');
  return { code, line: `PGWARDEN_HEALTH ${LABELS[code]}: ${summary.replace(/\|/g, '/')} | ${perf}` };
}

/** The status line when pgwarden could not check at all (exit 3). */
export function nagiosUnknown(message: string): NagiosStatus {
  return { code: 3, line: `PGWARDEN_HEALTH UNKNOWN: ${oneLine(message, 300).replace(/\|/g, '/')}` };
}
