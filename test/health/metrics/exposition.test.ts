import { describe, expect, it } from 'vitest';
import { renderExposition } from '../../../src/health/metrics/exposition.js';
import { metricFamilies } from '../../../src/health/metrics/families.js';

describe('the exposition format', () => {
  it('escapes label values and writes HELP and TYPE once per family', () => {
    const text = renderExposition([
      {
        name: 'pgwarden_table_dead_tuples',
        help: 'dead rows\nper table',
        type: 'gauge',
        samples: [
          { labels: { table: 'we"ird\\name\n' }, value: 3 },
          { labels: { table: 'plain' }, value: Number.NaN },
        ],
      },
      { name: 'pgwarden_empty', help: 'no samples', type: 'gauge', samples: [] },
    ]);
    expect(text).toBe(
      [
        '# HELP pgwarden_table_dead_tuples dead rows\\nper table',
        '# TYPE pgwarden_table_dead_tuples gauge',
        'pgwarden_table_dead_tuples{table="we\\"ird\\\\name\\n"} 3',
        'pgwarden_table_dead_tuples{table="plain"} NaN',
        '',
      ].join('\n'),
    );
  });

  it('refuses a malformed metric or label name', () => {
    expect(() => renderExposition([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow();
    expect(() =>
      renderExposition([
        { name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'a-b': 'x' }, value: 1 }] },
      ]),
    ).toThrow();
  });

  it('a target that could not be read has up 0, its scrape time, and nothing else', () => {
    const text = renderExposition(
      metricFamilies([{ target: 'gone', reading: null, error: 'refused', seconds: 0.5 }]),
    );
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'pgwarden_up{target="gone"} 0',
      'pgwarden_scrape_duration_seconds{target="gone"} 0.5',
    ]);
  });
});
