import { createColors } from 'picocolors';
import type { Report } from '../core/report.js';
import type { AnyRule } from '../core/rule.js';
import type { Format } from './formats.js';
import { renderGithub } from './github.js';
import { renderJson, renderJsonChunks } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { type Colors, renderText } from './text.js';

export { FORMATS, type Format } from './formats.js';

export interface RenderOptions {
  readonly format: Format;
  readonly color?: boolean;
  readonly cwd?: string;
  /** Rule metadata, for SARIF's rule descriptors (the caller hands its rule set: the reporters never import it). */
  readonly rules?: readonly AnyRule[];
  /** Human rendering of the command's own data, for the text and markdown formats. */
  readonly renderData?: (colors: Colors) => string;
}

export function render(report: Report, options: RenderOptions): string {
  switch (options.format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, options.rules ?? [], options.cwd);
    case 'github':
      return renderGithub(report, options.cwd);
    case 'markdown':
      return renderMarkdown(report, {
        cwd: options.cwd,
        data: options.renderData ? `\`\`\`\n${options.renderData(createColors(false))}\n\`\`\`` : undefined,
      });
    default:
      return renderText(report, {
        color: options.color ?? false,
        cwd: options.cwd,
        renderData: options.renderData,
      });
  }
}

/** render's text in pieces, written one after the other: a large JSON report is never held whole. */
export function renderChunks(report: Report, options: RenderOptions): Iterable<string> {
  return options.format === 'json' ? renderJsonChunks(report) : [render(report, options)];
}

export type { Colors };
export { renderGithub, renderJson, renderMarkdown, renderSarif, renderText };
