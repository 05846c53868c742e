import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { alterSystem } from '../../security/sql.js';

const EVERY = new Set(['*', '0.0.0.0', '::']);

export default defineRule<SecurityModel>({
  id: 'security/listen-all-addresses',
  category: 'security',
  model: 'security',
  defaultSeverity: 'info',
  summary: "The server listens on every network interface (listen_addresses = '*')",
  reportsOn: ['setting'],
  docs: {
    why: "With listen_addresses = '*' the server accepts TCP connections on every interface the machine has, including ones added later; pg_hba.conf and the firewall are then all that stands between the database and the network. Listing the addresses clients actually use is a second line of defence. In a container whose network is private, '*' is normal: turn the rule off there.",
    howToFix:
      "ALTER SYSTEM SET listen_addresses = 'localhost, 10.0.0.5' (the addresses the clients use) and restart the server (it is read only at start).",
  },
  check({ model, report }) {
    const value = model.settings.listen_addresses;
    if (value === undefined) return;
    const addresses = value.split(',').map((a) => a.trim());
    if (!addresses.some((a) => EVERY.has(a))) return;
    report({
      message: `listen_addresses is '${value}': the server accepts connections on every network interface, so pg_hba.conf and the firewall are all that protect it`,
      location: { object: 'listen_addresses', kind: 'setting' },
      fix: alterSystem(
        'listen_addresses',
        'localhost',
        'list the addresses your clients use; read only at start: restart the server',
      ),
      evidence: { listen_addresses: value },
    });
  },
});
