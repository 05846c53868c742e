import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../src/core/config.js';
import { createRuleSet, type RuleSet } from '../../src/core/engine.js';
import { allRules } from '../../src/rules/index.js';

/** The options a rule of the set runs with. */
function optionsOf(set: RuleSet, id: string): Record<string, unknown> {
  const rule = allRules.find((r) => r.id === id)!;
  return rule.parseOptions(set.settings.get(id)?.options) as Record<string, unknown>;
}

describe('one source of truth for table sizes: thresholds', () => {
  it('gives every rule option of the same name its value, default 1,000,000 and 10,000', () => {
    const set = createRuleSet(allRules, defaultConfig());
    expect(optionsOf(set, 'query/order-without-limit').largeTableRows).toBe(1_000_000);
    expect(optionsOf(set, 'query/leading-wildcard-like').smallTableRows).toBe(10_000);
    expect(optionsOf(set, 'schema/foreign-key-without-index').smallTableRows).toBe(10_000);
    // and a rule that runs without a config (a library call) agrees with the config's defaults
    for (const rule of allRules) {
      const defaults = rule.defaultOptions() as Record<string, unknown>;
      for (const key of ['smallTableRows', 'largeTableRows'] as const) {
        if (key in defaults) expect(defaults[key], `${rule.id} ${key}`).toBe(defaultConfig().thresholds[key]);
      }
    }
  });

  it('follows the config’s thresholds, and a rule-level option of the same key overrides it for that rule', () => {
    const config = parseConfig(
      {
        thresholds: { smallTableRows: 50, largeTableRows: 5000 },
        rules: { 'query/leading-wildcard-like': ['warning', { smallTableRows: 7 }] },
      },
      'test',
    );
    const set = createRuleSet(allRules, config);
    expect(optionsOf(set, 'query/order-without-limit').largeTableRows).toBe(5000);
    expect(optionsOf(set, 'schema/foreign-key-without-index').smallTableRows).toBe(50);
    expect(optionsOf(set, 'query/leading-wildcard-like').smallTableRows).toBe(7);
    expect(set.settings.get('query/leading-wildcard-like')?.level).toBe('warning');
  });
});
