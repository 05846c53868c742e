/**
 * The rule cases that run without a server: SQL and schema-less query cases, and the catalog, query and plan
 * cases replayed on what a server read for them (test/fixtures/models/, see test/helpers/recorded-models.ts).
 * test/rules/rules.test.ts runs the rest on a server. A unit test file: it must not name the server helpers.
 */
import { loadRuleCases } from '../helpers/rule-cases.js';
import { replayCases } from '../helpers/rule-tester.js';

for (const cases of (await loadRuleCases()).values()) replayCases(cases);
