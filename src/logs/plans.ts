import type { RuleSet } from '../core/engine.js';
import { type Finding, isFileLocation } from '../core/finding.js';
import { buildPlanModel } from '../explain/model.js';
import { parsePlans } from '../explain/plan.js';
import type { LoggedPlan } from './model.js';
import { textPlanToJson } from './plan-text.js';

const QUERY_SHOWN = 120;

function shortQuery(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > QUERY_SHOWN ? `${flat.slice(0, QUERY_SHOWN)}…` : flat;
}

/**
 * The plan analyser's findings (`plan/*`) on the plans auto_explain logged, one plan per fingerprint (its slowest):
 * each finding names the statement and where the plan came from. A plan pgwarden cannot read is counted, not
 * reported. The SQL parser must be loaded.
 */
export function analyzeLoggedPlans(
  plans: readonly LoggedPlan[],
  ruleSet: RuleSet,
  pgVersion: number,
): { findings: Finding[]; unreadable: number } {
  const findings: Finding[] = [];
  let unreadable = 0;
  for (const logged of plans) {
    let model: ReturnType<typeof buildPlanModel>;
    try {
      const input = logged.format === 'json' ? logged.plan : textPlanToJson(logged.plan);
      if (input === null) {
        unreadable++;
        continue;
      }
      const [plan] = parsePlans(input);
      if (!plan) {
        unreadable++;
        continue;
      }
      // no database here: no hypothetical index to cost, and no hint to give --db (logs has none)
      model = buildPlanModel({ plan, pgVersion, query: logged.query, hypopg: 'no-candidates' });
    } catch {
      unreadable++;
      continue;
    }
    const run = ruleSet.run('plan', model, { pgVersion });
    const where = `auto_explain plan of ${shortQuery(logged.query)}`;
    for (const finding of run.findings)
      findings.push({
        ...finding,
        message: `${finding.message} (${where}, ${logged.durationMs} ms${logged.time ? ` at ${logged.time}` : ''})`,
        location: isFileLocation(finding.location)
          ? finding.location
          : { object: `${finding.location.object} in ${where}`, kind: finding.location.kind },
        evidence: {
          ...finding.evidence,
          query: logged.query,
          fingerprint: logged.fingerprint,
          plansLogged: logged.count,
          loggedAt: logged.time,
          session: logged.session,
          database: logged.database,
        },
      });
  }
  return { findings, unreadable };
}
