import { describe, expect, it } from 'vitest';
import type { IndexInfo, TableInfo } from '../../src/catalog/model.js';
import type { KeywordCategory } from '../../src/schema/model.js';
import {
  byteLength,
  expandTemplate,
  expressionColumns,
  indexKey,
  isIdSpelling,
  isSnakeCase,
  judgeName,
  pluralName,
  quotingNeed,
  singularForms,
  singularName,
  singularNameIfPlural,
  splitTopLevel,
  templateAffixes,
  templatePrefix,
  templateProblem,
  toSnakeCase,
  truncateBytes,
} from '../../src/schema/naming.js';

describe('snake_case', () => {
  it.each([
    ['orders', true],
    ['order_items', true],
    ['address2', true],
    ['address_2', true],
    ['_prisma_migrations', true],
    ['Orders', false],
    ['orderItems', false],
    ['order__items', false],
    ['order_items_', false],
    ['2fa_codes', false],
    ['order items', false],
    ['café', false],
  ])('%s is snake_case: %s', (name, expected) => {
    expect(isSnakeCase(name)).toBe(expected);
  });

  it.each([
    ['OrderItems', 'order_items'],
    ['orderItems', 'order_items'],
    ['customerID', 'customer_id'],
    ['CustomerId', 'customer_id'],
    ['HTTPRequests', 'http_requests'],
    ['IDCard', 'id_card'],
    ['Order Items', 'order_items'],
    ['order-items', 'order_items'],
    ['order__items', 'order_items'],
    ['ID', 'id'],
    ['address2Line', 'address2_line'],
    ['_Meta', '_meta'],
    ['orders', 'orders'],
    ['2fa_codes', null],
    ['Café', null],
    ['$$$', null],
  ])('%s → %s', (name, expected) => {
    expect(toSnakeCase(name)).toBe(expected);
  });
});

describe('plural and singular', () => {
  it.each([
    ['order', 'orders'],
    ['order_item', 'order_items'],
    ['category', 'categories'],
    ['person', 'people'],
    ['address', 'addresses'],
    ['index', 'indexes'],
    ['schema', 'schemas'],
    ['virus', 'viruses'],
    ['audit_log', 'audit_logs'],
  ])('%s is singular: %s', (name, plural) => {
    expect(pluralName(name)).toBe(plural);
  });

  it.each([
    'orders',
    'order_items',
    'people',
    'data',
    'metadata',
    'news',
    'series',
    'status',
    'order_status',
    'species',
    'equipment',
    'feedback',
    'price_history',
    'inventory',
    'billing',
    'analytics',
    'sms',
    'log_v2',
    'events_2025',
    'x',
  ])('%s is left alone (plural, uncountable or not judged)', (name) => {
    expect(pluralName(name)).toBeNull();
  });

  it.each([
    ['orders', 'order'],
    ['categories', 'category'],
    ['people', 'person'],
    ['addresses', 'address'],
    ['statuses', 'status'],
    ['order_items', 'order_item'],
    ['cookies', 'cookie'],
    ['caches', 'cache'],
    ['indexes', 'index'],
    ['data', 'data'],
    ['news', 'news'],
    ['series', 'series'],
    ['sms', 'sms'],
    ['order', 'order'],
  ])('the singular of %s is %s', (name, singular) => {
    expect(singularName(name)).toBe(singular);
  });

  it('under a singular convention, flags plurals only when the singular pluralizes back', () => {
    expect(singularNameIfPlural('orders')).toBe('order');
    expect(singularNameIfPlural('order')).toBeNull();
    expect(singularNameIfPlural('data')).toBeNull();
    expect(singularNameIfPlural('bias')).toBeNull();
    expect(singularNameIfPlural('lens')).toBeNull();
    expect(singularNameIfPlural('canvas')).toBeNull();
    expect(singularNameIfPlural('news')).toBeNull();
  });

  it('accepts every singular that pluralizes back to the table', () => {
    expect(singularForms('cookies')).toContain('cookie');
    expect(singularForms('movies')).toContain('movie');
    expect(singularForms('orders')).toEqual(new Set(['order']));
    expect(singularForms('addresses')).toContain('address');
  });

  it('recognizes spellings of a table id', () => {
    expect(isIdSpelling('order_id', 'orders')).toBe(true);
    expect(isIdSpelling('OrderID', 'orders')).toBe(true);
    expect(isIdSpelling('orders_id', 'orders')).toBe(true);
    expect(isIdSpelling('pk', 'orders')).toBe(true);
    expect(isIdSpelling('uuid', 'orders')).toBe(true);
    expect(isIdSpelling('category_id', 'categories')).toBe(true);
    expect(isIdSpelling('code', 'countries')).toBe(false);
    expect(isIdSpelling('user_id', 'user_profiles')).toBe(false);
    expect(isIdSpelling('email', 'users')).toBe(false);
  });
});

describe('templates', () => {
  it('expands placeholders and finds the fixed prefix and affixes', () => {
    const values = { table: 'orders', columns: 'customer_id_placed_at' };
    expect(expandTemplate('idx_{table}_{columns}', values)).toBe('idx_orders_customer_id_placed_at');
    expect(templatePrefix('idx_{table}_{columns}', values, ['columns'])).toBe('idx_orders_');
    expect(templateAffixes('{singular}_id')).toEqual({ prefix: '', suffix: '_id' });
    expect(templateAffixes('fk_{singular}')).toEqual({ prefix: 'fk_', suffix: '' });
  });

  it('validates the placeholders of a template', () => {
    expect(templateProblem('idx_{table}_{columns}', ['table', 'columns'])).toBeNull();
    expect(templateProblem('idx_{tabel}_{columns}', ['table', 'columns'])).toMatch(
      /unknown placeholder \{tabel\}/,
    );
    expect(templateProblem('idx', ['table'])).toMatch(/at least one placeholder/);
  });

  it('judges names: exact, numbered, suffixed when loose, prefix when too long', () => {
    const values = { table: 'orders', columns: 'customer_id' };
    const judge = (name: string, loose = false) =>
      judgeName(name, 'idx_{table}_{columns}', values, ['columns'], { loose, prefixOnly: false }).ok;
    expect(judge('idx_orders_customer_id')).toBe(true);
    expect(judge('idx_orders_customer_id_2')).toBe(true);
    expect(judge('idx_orders_customer_id_open')).toBe(false);
    expect(judge('idx_orders_customer_id_open', true)).toBe(true);
    expect(judge('orders_customer_id_idx')).toBe(false);
    const long = {
      table: 'customer_subscription_renewals',
      columns: 'previous_subscription_renewal_id_created_at',
    };
    const judged = judgeName(
      'idx_customer_subscription_renewals_prev',
      'idx_{table}_{columns}',
      long,
      ['columns'],
      {
        loose: false,
        prefixOnly: false,
      },
    );
    expect(judged.ok).toBe(true);
    expect(byteLength(judged.target)).toBeLessThanOrEqual(63);
    expect(judged.target).toMatch(/^idx_customer_subscription_renewals_.*_[0-9a-f]{8}$/);
  });

  it('cuts names between characters', () => {
    expect(truncateBytes('abcé', 4)).toBe('abc');
    expect(truncateBytes('abcé', 5)).toBe('abcé');
  });
});

describe('index keys', () => {
  it('splits expression lists at top-level commas only', () => {
    expect(splitTopLevel("lower(a), upper(b), (a || ','::text), coalesce(a, b)")).toEqual([
      'lower(a)',
      'upper(b)',
      "(a || ','::text)",
      'coalesce(a, b)',
    ]);
  });

  it('finds the columns an expression reads, not functions, casts or strings', () => {
    const columns = new Set(['email', 'data', 'created_at', 'text', 'day']);
    expect(expressionColumns('lower(email)', columns)).toEqual(['email']);
    expect(expressionColumns("(data ->> 'sku'::text)", columns)).toEqual(['data']);
    expect(expressionColumns("date_trunc('day'::text, created_at)", columns)).toEqual(['created_at']);
    expect(expressionColumns('"text"', columns)).toEqual(['text']);
  });

  it('names an index key by its columns, expressions by the columns they read', () => {
    const table = {
      columns: [{ name: 'tenant_id' }, { name: 'email' }, { name: 'Name' }],
    } as unknown as TableInfo;
    const index = {
      columns: ['tenant_id', null, null],
      expressions: 'lower(email), upper("Name")',
    } as unknown as IndexInfo;
    expect(indexKey(index, table)).toEqual({
      columns: ['tenant_id', 'email', 'name'],
      hasExpressions: true,
      opaque: false,
    });
    const constant = { columns: [null], expressions: 'now()' } as unknown as IndexInfo;
    expect(indexKey(constant, table).opaque).toBe(true);
  });
});

describe('quoting', () => {
  const keywords = new Map<string, KeywordCategory>([
    ['user', 'reserved'],
    ['order', 'reserved'],
    ['position', 'column name'],
    ['left', 'type or function name'],
    ['name', 'unreserved'],
  ]);
  it.each([
    ['orders', 'relation', null],
    ['name', 'relation', null],
    ['Orders', 'relation', 'required'],
    ['order items', 'relation', 'required'],
    ['2fa', 'relation', 'required'],
    ['order-items', 'relation', 'required'],
    ['user', 'relation', 'required'],
    ['position', 'relation', 'conventional'],
    ['position', 'function', 'required'],
    ['left', 'relation', 'required'],
    ['left', 'function', 'conventional'],
    ['café', 'relation', 'conventional'],
  ] as const)('%s as a %s name: %s', (name, position, level) => {
    expect(quotingNeed(name, keywords, position)?.level ?? null).toBe(level);
  });
});
