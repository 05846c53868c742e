import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { metricsTargets } from '../../../src/ops/metrics.js';

const config = (metrics: Record<string, unknown> = {}) => ({
  config: parseConfig({ metrics }, 'test'),
  path: null,
  dir: process.cwd(),
});

describe('the databases the exporter exports', () => {
  it('names --db targets after their database', () => {
    const targets = metricsTargets({
      config: config(),
      db: ['postgres://monitor@db1:5432/orders', 'postgres://monitor@db2:5432/billing'],
      env: {},
    });
    expect(targets.map((t) => t.name)).toEqual(['orders', 'billing']);
  });

  it('refuses two --db of the same name, with the config as the way out', () => {
    expect(() =>
      metricsTargets({ config: config(), db: ['postgres://a@h1/app', 'postgres://a@h2/app'], env: {} }),
    ).toThrow(expect.objectContaining({ code: 'usage', hint: expect.stringContaining('"databases"') }));
  });

  it("reads the config's databases, a $VARIABLE from the environment", () => {
    const targets = metricsTargets({
      config: config({ databases: { eu: '$EU_URL', us: 'postgres://monitor@us-db/orders' } }),
      env: { EU_URL: 'postgres://monitor:secret@eu-db/orders' },
    });
    expect(targets).toEqual([
      { name: 'eu', url: 'postgres://monitor:secret@eu-db/orders' },
      { name: 'us', url: 'postgres://monitor@us-db/orders' },
    ]);
    expect(() => metricsTargets({ config: config({ databases: { eu: '$EU_URL' } }), env: {} })).toThrow(
      /metrics\.databases\.eu: the variable \$EU_URL is not set/,
    );
  });

  it('falls back to DATABASE_URL, and says what to give without any', () => {
    expect(metricsTargets({ config: config(), env: { DATABASE_URL: 'postgres://u@h/shop' } })).toEqual([
      { name: 'shop', url: 'postgres://u@h/shop' },
    ]);
    expect(() => metricsTargets({ config: config(), env: {} })).toThrow(/no database to export/);
  });
});
