/** Prometheus's text exposition format (version 0.0.4), which every Prometheus server and agent reads. */

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly samples: readonly Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** The families as exposition text: HELP and TYPE once per family, then its samples. Families without samples are left out. */
export function renderExposition(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const family of families) {
    if (!NAME.test(family.name)) throw new Error(`invalid metric name ${family.name}`);
    if (seen.has(family.name)) throw new Error(`metric ${family.name} listed twice`);
    seen.add(family.name);
    if (family.samples.length === 0) continue;
    out.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    out.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels);
      for (const [name] of labels) if (!LABEL.test(name)) throw new Error(`invalid label name ${name}`);
      const text = labels.map(([name, value]) => `${name}="${labelValue(value)}"`).join(',');
      out.push(`${family.name}${text ? `{${text}}` : ''} ${number(sample.value)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
