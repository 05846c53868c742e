import type { Severity } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { AnyRule } from '../core/rule.js';
import { displayPath } from './location.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/**
 * SARIF 2.1.0, for GitHub code scanning and other viewers. Findings on files carry a physical location;
 * findings on database objects carry a logical location (`public.orders`, kind `table`).
 */
export function renderSarif(report: Report, rules: readonly AnyRule[], cwd?: string): string {
  const used = [...new Set(report.findings.map((f) => f.rule))].sort();
  const byId = new Map(rules.map((r) => [r.id, r]));
  const descriptors = used.map((id) => {
    const rule = byId.get(id);
    return {
      id,
      name: id.replace(/[/-](.)/g, (_m, ch: string) => ch.toUpperCase()),
      shortDescription: { text: rule?.summary ?? id },
      ...(rule
        ? {
            fullDescription: { text: rule.docs.why },
            help: { text: rule.docs.howToFix, markdown: `${rule.docs.howToFix}\n\nSee ${rule.docsPath}.` },
            defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
            properties: { category: rule.category, tags: ['postgresql', rule.category] },
          }
        : {}),
    };
  });
  const ruleIndex = new Map(used.map((id, index) => [id, index]));
  const results = report.findings.map((finding) => ({
    ruleId: finding.rule,
    ruleIndex: ruleIndex.get(finding.rule)!,
    level: LEVEL[finding.severity],
    message: { text: finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message },
    locations: [
      isFileLocation(finding.location)
        ? {
            physicalLocation: {
              artifactLocation: {
                uri: encodeURI(displayPath(finding.location.file, cwd)),
                uriBaseId: '%SRCROOT%',
              },
              region: { startLine: finding.location.line, startColumn: finding.location.column },
            },
          }
        : {
            logicalLocations: [{ fullyQualifiedName: finding.location.object, kind: finding.location.kind }],
          },
    ],
    ...(finding.fix || finding.impact
      ? {
          properties: {
            ...(finding.fix ? { fix: finding.fix } : {}),
            ...(finding.impact ? { impact: finding.impact } : {}),
          },
        }
      : {}),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pgwarden',
            version: report.version,
            semanticVersion: report.version,
            rules: descriptors,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
