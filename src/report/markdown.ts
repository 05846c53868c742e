import { isFileLocation } from '../core/finding.js';
import { formatCount } from '../core/format.js';
import type { Report } from '../core/report.js';
import { formatImpact } from './impact.js';
import { displayPath } from './location.js';

const ICON = { error: '🔴', warning: '🟡', info: '🔵' } as const;
const RANK = { error: 0, warning: 1, info: 2 } as const;

/** GitHub refuses a pull-request comment longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Kept free for the closing note (what was cut, and where the full report is). */
const NOTE_RESERVE = 1_200;

function cell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export interface MarkdownOptions {
  readonly cwd?: string;
  /** A block shown before the findings (the command's own summary, fenced). */
  readonly data?: string;
  /** The longest comment to write, in characters (default: GitHub's limit, 65,536). */
  readonly limit?: number;
  /** Where the whole report is when the comment is cut (default: the command that prints it as JSON). */
  readonly fullReport?: string;
}

/** Lines added while they fit in a budget of characters (each line costs its length and a line break). */
class Budget {
  readonly lines: string[] = [];
  private used = 0;
  constructor(private readonly size: number) {}
  fits(...lines: string[]): boolean {
    return this.used + lines.reduce((n, line) => n + line.length + 1, 0) <= this.size;
  }
  add(...lines: string[]): boolean {
    if (!this.fits(...lines)) return false;
    this.lines.push(...lines);
    this.used += lines.reduce((n, line) => n + line.length + 1, 0);
    return true;
  }
  get left(): number {
    return this.size - this.used;
  }
}

/** The data block cut to `max` characters, whole lines, its code fence closed. */
function cutBlock(block: string, max: number): { text: string; cut: number } {
  if (block.length <= max) return { text: block, cut: 0 };
  const lines = block.split('\n');
  const fenced = lines[0]?.startsWith('```') === true;
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (size + line.length + 1 > max - 80) break;
    kept.push(line);
    size += line.length + 1;
  }
  const cut = lines.length - kept.length - (fenced ? 1 : 0);
  kept.push(`… ${cut} more line${cut === 1 ? '' : 's'}`);
  if (fenced) kept.push('```');
  return { text: kept.join('\n'), cut };
}

/**
 * A pull-request comment: a summary line, a table of findings, and the fixes. It stays under GitHub's comment limit:
 * when everything does not fit, the most severe findings are shown first, and a closing note counts what was left
 * out and says where the full report is.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const { error, warning, info, total } = report.summary;
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const out = new Budget(Math.max(limit - NOTE_RESERVE, 0));
  out.add(`### pgwarden ${report.command}`, '');
  let dataCut = 0;
  if (options.data) {
    const block = cutBlock(options.data.trimEnd(), Math.floor(out.left / 3));
    dataCut = block.cut;
    out.add(block.text, '');
  }
  let shown = 0;
  let fixesLeftOut = 0;
  const shownSet = new Set<Report['findings'][number]>();
  const findings = [...report.findings];
  if (total === 0) {
    out.add('✅ No findings.');
  } else {
    out.add(
      `**${error}** error${error === 1 ? '' : 's'}, **${warning}** warning${warning === 1 ? '' : 's'}, **${info}** info`,
      '',
    );
    // a Saves column only when some finding carries an estimated saving (explain)
    const impacts = findings.some((f) => f.impact);
    out.add(
      `| | Rule | Where | Finding |${impacts ? ' Saves |' : ''}`,
      `|---|---|---|---|${impacts ? '---|' : ''}`,
    );
    const row = (finding: (typeof findings)[number]) => {
      const where = isFileLocation(finding.location)
        ? `\`${displayPath(finding.location.file, options.cwd)}:${finding.location.line}:${finding.location.column}\``
        : `\`${finding.location.object}\` (${finding.location.kind})`;
      const saves = impacts ? ` ${finding.impact ? formatImpact(finding.impact) : ''} |` : '';
      return `| ${ICON[finding.severity]} | [\`${finding.rule}\`](${finding.docs}) | ${cell(where)} | ${cell(finding.message)} |${saves}`;
    };
    const rows = findings.map(row);
    // when not everything fits, the most severe first (a stable sort keeps the report's order within each)
    const fitsWhole = out.fits(...rows);
    const order = fitsWhole
      ? findings.map((_, i) => i)
      : findings.map((_, i) => i).sort((a, b) => RANK[findings[a]!.severity] - RANK[findings[b]!.severity]);
    const shownFindings: typeof findings = [];
    for (const i of order) {
      if (!out.add(rows[i]!)) break;
      shownFindings.push(findings[i]!);
      shownSet.add(findings[i]!);
      shown++;
    }
    const fixes = shownFindings.filter((f) => f.fix);
    if (fixes.length > 0 && out.fits('', '<details><summary>Suggested fixes</summary>', '', '</details>')) {
      out.add('', '<details><summary>Suggested fixes</summary>', '');
      const closing = '</details>';
      for (const [i, finding] of fixes.entries()) {
        const lines = [
          `\`${finding.rule}\` — ${cell(finding.message)}`,
          '',
          '```sql',
          finding.fix!,
          '```',
          '',
        ];
        if (!out.fits(...lines, closing)) {
          fixesLeftOut = fixes.length - i;
          break;
        }
        out.add(...lines);
      }
      out.lines.push(closing);
    } else {
      fixesLeftOut = fixes.length;
    }
  }
  const lines = out.lines;
  if (report.skipped.length > 0) {
    const skipped = `<sub>${report.skipped.length} rule(s) skipped: ${report.skipped.map((s) => `${s.rule} (${cell(s.reason)})`).join('; ')}</sub>`;
    lines.push(
      '',
      skipped.length <= out.left
        ? skipped
        : `<sub>${report.skipped.length} rule(s) skipped (listed in the full report)</sub>`,
    );
  }
  const leftOut = total - shown;
  if (leftOut > 0 || fixesLeftOut > 0 || dataCut > 0) {
    const parts: string[] = [];
    if (leftOut > 0) {
      const counts = (['error', 'warning', 'info'] as const)
        .map((s) => [s, findings.filter((f) => f.severity === s && !shownSet.has(f)).length] as const)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}${s === 'info' || n === 1 ? '' : 's'}`);
      parts.push(`${leftOut} of ${total} findings not shown (${counts.join(', ')})`);
    }
    if (fixesLeftOut > 0)
      parts.push(`${fixesLeftOut} suggested fix${fixesLeftOut === 1 ? '' : 'es'} not shown`);
    if (dataCut > 0) parts.push(`the summary above is cut by ${dataCut} line${dataCut === 1 ? '' : 's'}`);
    const where = options.fullReport ?? `\`pgwarden ${report.command} --format json\``;
    lines.push(
      '',
      `> ✂️ Cut to fit a GitHub comment (${formatCount(limit)} characters): ${parts.join('; ')}. The full report: ${where}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
