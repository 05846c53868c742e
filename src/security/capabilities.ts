import type { Capabilities } from '../core/engine.js';
import type { Privilege } from '../core/rule.js';
import type { SecurityReading } from './reading.js';

/** What the audited role may read, as the rule engine understands it: a superuser has every privilege. */
export function securityCapabilities(reading: SecurityReading): Capabilities {
  const { superuser, readAllSettings, monitor } = reading.server;
  const privileges = new Set<Privilege>();
  if (superuser)
    for (const p of ['superuser', 'pg_monitor', 'pg_read_all_stats', 'pg_read_all_settings'] as const)
      privileges.add(p);
  // pg_monitor includes pg_read_all_settings and pg_read_all_stats
  if (monitor)
    for (const p of ['pg_monitor', 'pg_read_all_stats', 'pg_read_all_settings'] as const) privileges.add(p);
  if (readAllSettings) privileges.add('pg_read_all_settings');
  return { privileges, extensions: new Set(reading.extensions.map((e) => e.name)) };
}
