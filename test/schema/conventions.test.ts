import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/finding.js';
import { reviewSchema } from '../../src/ops/schema-review.js';
import { nameShape, toCase } from '../../src/schema/conventions.js';
import { useTestDatabase } from '../helpers/db.js';

/**
 * A schema as Prisma generates it (test/fixtures/schema/prisma-camel.sql: 31 tables, PascalCase singular models,
 * camelCase fields, a few deliberate departures): the review checks consistency with the project's convention
 * instead of imposing snake_case, and its missing-foreign-key fixes run on the real server.
 */
const fixture = new URL('../fixtures/schema/prisma-camel.sql', import.meta.url).pathname;
const project = (schema: Record<string, unknown> = {}) => ({
  config: parseConfig({ schema }, 'test'),
  path: null,
  dir: '/nonexistent',
});
const objectsOf = (findings: readonly Finding[], rule: string) =>
  findings
    .filter((f) => f.rule === rule)
    .map((f) => ('object' in f.location ? f.location.object : f.location.file))
    .sort();

describe('name shapes', () => {
  it('tells the cases apart; single words fit snake_case and camelCase', () => {
    expect(nameShape('order_items')).toBe('snake_case');
    expect(nameShape('createdAt')).toBe('camelCase');
    expect(nameShape('OrderItem')).toBe('PascalCase');
    expect(nameShape('_ProductToTag')).toBe('PascalCase');
    expect(nameShape('email')).toBe('word');
    expect(nameShape('A')).toBe('word');
    expect(nameShape('Order Items')).toBe('other');
    expect(toCase('due_date', 'camelCase')).toBe('dueDate');
    expect(toCase('audit_logs', 'PascalCase')).toBe('AuditLogs');
    expect(toCase('createdAt', 'snake_case')).toBe('created_at');
  });
});

describe('a Prisma-style camelCase schema', () => {
  const db = useTestDatabase();

  it('is reviewed against its own convention: only what breaks it is reported', async () => {
    const report = await reviewSchema({ config: project(), files: [fixture], db: db().url });
    const data = report.data!;
    expect(data.tables).toBe(31);
    expect(data.naming.tables).toMatchObject({ convention: 'PascalCase', source: 'detected' });
    expect(data.naming.columns).toMatchObject({ convention: 'camelCase', source: 'detected' });
    expect(data.naming.tableNumber).toMatchObject({ convention: 'singular', source: 'detected' });
    const findings = report.findings;
    // the one table mapped to snake_case and its three snake_case columns; the two snake_case fields of Invoice
    expect(objectsOf(findings, 'schema/table-naming')).toEqual(['public.audit_log']);
    expect(objectsOf(findings, 'schema/column-naming')).toEqual([
      'public.Invoice.due_date',
      'public.Invoice.paid_at',
      'public.audit_log.actor_email',
      'public.audit_log.created_at',
      'public.audit_log.team_id',
    ]);
    // Prisma's {Model}_{fields}_key / _idx names are the project's templates; camelCase references are judged in
    // their snake_case spelling (authorId → users is a role without the table's name: authorUserId)
    expect(objectsOf(findings, 'schema/unique-naming')).toEqual([]);
    expect(objectsOf(findings, 'schema/index-naming')).toEqual(['public._ProductToTag_B_index']);
    expect(objectsOf(findings, 'schema/foreign-key-naming')).toEqual([
      'public.Comment.authorId',
      'public.Review.authorId',
    ]);
    // upper case is the convention: only the keyword column `position` (info)
    expect(objectsOf(findings, 'schema/quoted-identifier')).toEqual(['public.ProductImage.position']);
    // createdAt/updatedAt are the timestamps; junction tables (MemberPermission, StockLevel, _ProductToTag) need
    // none; Prisma's @updatedAt without a default on 26 tables is one finding
    const timestamps = findings.filter((f) => f.rule === 'schema/timestamps');
    expect(timestamps.map((f) => f.message.replace(/ \(public\..*\)$/, '')).sort()).toEqual([
      '26 tables: updatedAt has no default',
      'public.VerificationToken has no createdAt column',
      'public.VerificationToken has no updatedAt column',
      'public.WebhookCall has no updatedAt column',
      'public.audit_log has no updatedAt column',
    ]);
    expect(objectsOf(findings, 'schema/updated-at-maintained')).toEqual(['public']);
    // the three references without a foreign key; not User.customerId (text, Customer.id is integer), not the
    // polymorphic Notification.subjectId, not stripeId / externalId
    expect(objectsOf(findings, 'schema/missing-foreign-key')).toEqual([
      'public.Order.couponId',
      'public.Review.productId',
      'public.Shipment.warehouseId',
    ]);
  });

  it('forced to snake_case, groups a table’s columns: one finding per table, not one per column', async () => {
    const report = await reviewSchema({
      config: project({ naming: { tables: 'snake_case', columns: 'snake_case', tableNumber: 'plural' } }),
      files: [fixture],
      db: db().url,
    });
    expect(report.data!.naming.columns).toMatchObject({ convention: 'snake_case', source: 'config' });
    const columns = report.findings.filter((f) => f.rule === 'schema/column-naming');
    // 117 camelCase columns: a table with more than 3 of them is one finding (with every rename in its fix)
    const grouped = columns.filter((f) => 'object' in f.location && f.location.kind === 'table');
    expect(grouped.length).toBeGreaterThan(0);
    for (const f of grouped) expect(f.message).toMatch(/^\d+ columns of public\.\w+ are not snake_case: /);
    const perTable = new Map<string, number>();
    for (const f of columns) {
      const object = 'object' in f.location ? f.location.object : '';
      const table = object.split('.').slice(0, 2).join('.');
      perTable.set(table, (perTable.get(table) ?? 0) + 1);
    }
    expect(Math.max(...perTable.values())).toBeLessThanOrEqual(3);
    expect(columns.length).toBeLessThan(117 / 2);
    // every table: 30 PascalCase and singular, audit_log singular
    expect(report.findings.filter((f) => f.rule === 'schema/table-naming')).toHaveLength(31);
  });

  it('its missing-foreign-key fixes run on the live database and leave no such finding', async () => {
    await db().exec(readFileSync(fixture, 'utf8'));
    await db().exec(`INSERT INTO "Coupon" ("code", "percentOff", "updatedAt") VALUES ('X', 10, now());`);
    const before = await reviewSchema({ config: project(), db: db().url });
    expect(before.data!.kind).toBe('live');
    const fixes = before.findings.filter((f) => f.rule === 'schema/missing-foreign-key').map((f) => f.fix!);
    expect(fixes).toHaveLength(3);
    expect(fixes.join('\n')).toContain(
      'ALTER TABLE public."Order" ADD CONSTRAINT "Order_couponId_fkey" FOREIGN KEY ("couponId") REFERENCES public."Coupon" (id) NOT VALID;',
    );
    for (const fix of fixes) await db().exec(fix);
    const after = await reviewSchema({ config: project(), db: db().url });
    expect(objectsOf(after.findings, 'schema/missing-foreign-key')).toEqual([]);
  });
});
