import type { Location } from '../core/finding.js';
import { oneLine } from './build.js';
import type { HealthFacts, Session } from './model.js';

/** A duration for messages: `45 s`, `12 min`, `3.5 h`, `2.1 days`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(share >= 0.995 || share < 0.1 ? 1 : 0)}%`;
}

/** Where a finding about a session points: its pid (the object a DBA acts on). */
export function sessionLocation(session: Pick<Session, 'pid'>): Location {
  return { object: `pid ${session.pid}`, kind: 'query' };
}

/** Where a finding about the server or its current database points. */
export function databaseLocation(facts: HealthFacts, name: string = facts.server.database): Location {
  return { object: name, kind: 'database' };
}

/** `user app (psql) from 10.0.0.5 in shop`: who a session is, from what the role can see. */
export function describeSession(session: Session): string {
  const parts = [
    session.user ? `user ${session.user}` : null,
    session.application ? `(${session.application})` : null,
    session.client ? `from ${session.client}` : null,
    session.database ? `in ${session.database}` : null,
  ].filter((p) => p !== null);
  return parts.join(' ');
}

export function queryText(session: Session, max = 160): string {
  return session.query ? oneLine(session.query, max) : '(query hidden)';
}

/** Days until a counter reaches `limit` at `perSecond`, or null without a rate. */
export function daysUntil(remaining: number, perSecond: number | null): number | null {
  if (perSecond === null || perSecond <= 0) return null;
  return remaining / perSecond / 86_400;
}

export function formatDays(days: number): string {
  return days >= 100 ? `${Math.round(days)} days` : `${days.toFixed(1)} days`;
}
