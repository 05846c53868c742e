import type { Impact } from '../core/finding.js';
import { formatMs, formatPercent } from '../core/format.js';

/** `~120 ms (45%)`: an estimated saving, as the text and markdown reporters show it (the messages' formats). */
export function formatImpact(impact: Impact): string {
  return `~${formatMs(impact.ms)} (${formatPercent(impact.share)})`;
}
