import { defineRule } from '../../core/rule.js';
import type { SecurityModel } from '../../security/model.js';
import { alterSystem, isOff, listensBeyondLoopback } from '../../security/sql.js';

export default defineRule<SecurityModel>({
  id: 'security/ssl-off',
  category: 'security',
  model: 'security',
  defaultSeverity: 'warning',
  summary: 'The server accepts connections from the network without TLS (ssl = off)',
  reportsOn: ['setting'],
  docs: {
    why: 'Without TLS, queries, results and — with the password and md5 methods — credentials cross the network in the clear, and nothing stops a machine in the middle from impersonating the server. A server that listens only on the loopback address or a Unix socket is left out.',
    howToFix:
      'Put a certificate and key in the data directory (server.crt, server.key, or set ssl_cert_file / ssl_key_file), `ALTER SYSTEM SET ssl = on` and reload. Then require it: hostssl lines instead of host in pg_hba.conf, and sslmode=verify-full in the clients.',
  },
  check({ model, report }) {
    const ssl = model.settings.ssl;
    if (!isOff(ssl) || !listensBeyondLoopback(model.settings.listen_addresses)) return;
    report({
      message: `ssl is off while the server listens on ${model.settings.listen_addresses ?? 'addresses pgwarden could not see'}: traffic and credentials cross the network in the clear`,
      location: { object: 'ssl', kind: 'setting' },
      fix: alterSystem(
        'ssl',
        'on',
        'needs server.crt and server.key in the data directory (or ssl_cert_file, ssl_key_file)',
      ),
      evidence: { ssl, listen_addresses: model.settings.listen_addresses ?? null },
    });
  },
});
