import type { Impact } from '../core/finding.js';

function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(value >= 10_000 ? 1 : 2)} s`;
  if (value >= 10) return `${Math.round(value)} ms`;
  return `${value.toFixed(value >= 1 ? 1 : 2)} ms`;
}

function percent(share: number): string {
  const p = share * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}

/** `~120 ms (45%)`: an estimated saving, as the text and markdown reporters show it. */
export function formatImpact(impact: Impact): string {
  return `~${ms(impact.ms)} (${percent(impact.share)})`;
}
