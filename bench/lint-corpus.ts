/**
 * The `lint` benchmark's corpus: a deterministic (seeded) history of migrations in the pgwarden/dbmate layout
 * (`YYYYMMDDHHMMSS_name.sql`, `-- migrate:up` / `-- migrate:down`), as a product team would write them over a
 * few years. The first migration creates a base schema; every later one is 3 to 30 statements on tables and
 * columns that exist at that point: the generator keeps the schema as it goes (tables, columns and their types,
 * indexes, constraints, what was validated) and only writes what would run on it.
 *
 * It also keeps what the migrations need to be traced on a real server with rows in every table (see the seed
 * of `pgwarden lint --trace`): CHECK constraints that generated rows satisfy, UNIQUE only on columns whose
 * generated values are distinct, SET NOT NULL only on columns that have values, DELETE only from tables no
 * foreign key points to. `baseFor(n)` writes the schema as it stands before migration n as one migration, so a
 * migration can be traced on its own: that base, then it.
 *
 * Plain Node built-ins only: this module is also transpiled for the child processes.
 */

// ---------------------------------------------------------------------------------------------------------------
// A small seeded generator (xorshift32): the same seed gives the same corpus on every machine.

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x2545f491;
    for (let i = 0; i < 8; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, weight] of entries) {
      r -= weight;
      if (r < 0) return value;
    }
    return entries.at(-1)![0];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The schema the generator keeps

type Kind =
  | 'id'
  | 'ref'
  | 'text'
  | 'varchar'
  | 'numeric'
  | 'int'
  | 'bigint'
  | 'bool'
  | 'timestamptz'
  | 'date'
  | 'uuid'
  | 'jsonb'
  | 'enum';

interface Column {
  name: string;
  kind: Kind;
  /** The SQL type as it stands now. */
  type: string;
  notNull: boolean;
  default?: string;
  identity?: boolean;
  generated?: { expr: string; stored: boolean };
  /** The table this column points to (a foreign key exists, or could be added: `refCandidate`). */
  references?: string;
  refCandidate?: string;
  /** Generated columns, CHECKs and index predicates that use it: it is then never renamed, retyped or dropped. */
  deps: number;
  /** A primary key column. */
  pk?: boolean;
}

interface IndexKey {
  column: string;
  fn?: 'lower';
}

interface Index {
  name: string;
  table: string;
  keys: IndexKey[];
  unique: boolean;
  where?: { column: string; sql: string };
  /** The constraint it backs (primary key or unique), if any. */
  constraint?: string;
}

interface Constraint {
  name: string;
  table: string;
  kind: 'fk' | 'check' | 'unique' | 'pk';
  columns: string[];
  sql: string;
  validated: boolean;
  refTable?: string;
  /** `column IS NOT NULL`, the column's name: lets SET NOT NULL skip its scan once validated (PostgreSQL 12+). */
  notNullOf?: string;
  /** The migration that added it (NOT VALID constraints are validated in a later one). */
  addedIn: number;
}

interface Table {
  name: string;
  columns: Column[];
  createdIn: number;
  hasPk: boolean;
  /** Created with a trigger calling set_updated_at(). */
  trigger: boolean;
  /** Never dropped or renamed (the core of the product). */
  core: boolean;
}

class Schema {
  tables = new Map<string, Table>();
  indexes = new Map<string, Index>();
  constraints = new Map<string, Constraint>();
  enums = new Map<string, string[]>();
  /** Every relation name ever used (PostgreSQL names of tables, indexes and constraints share namespaces). */
  usedNames = new Set<string>();
  /** Unique indexes built CONCURRENTLY, to become a constraint with USING INDEX in a later migration. */
  pendingUsingIndex: string[] = [];

  clone(): Schema {
    const copy = new Schema();
    for (const [name, t] of this.tables) {
      copy.tables.set(name, {
        ...t,
        columns: t.columns.map((c) => ({ ...c, generated: c.generated ? { ...c.generated } : undefined })),
      });
    }
    for (const [name, i] of this.indexes) {
      copy.indexes.set(name, { ...i, keys: i.keys.map((k) => ({ ...k })), where: i.where && { ...i.where } });
    }
    for (const [name, c] of this.constraints) copy.constraints.set(name, { ...c, columns: [...c.columns] });
    for (const [name, labels] of this.enums) copy.enums.set(name, [...labels]);
    copy.usedNames = new Set(this.usedNames);
    copy.pendingUsingIndex = [...this.pendingUsingIndex];
    return copy;
  }

  column(table: string, name: string): Column | undefined {
    return this.tables.get(table)?.columns.find((c) => c.name === name);
  }

  /** Tables a foreign key points to (rows there cannot simply be deleted, the table cannot be dropped). */
  referenced(): Set<string> {
    const set = new Set<string>();
    for (const c of this.constraints.values()) if (c.kind === 'fk' && c.refTable) set.add(c.refTable);
    return set;
  }

  /** A new name `base_suffix` of at most 63 bytes (PostgreSQL's limit), numbered when taken. */
  uniqueName(base: string, suffix: string): string {
    for (let n = 1; ; n++) {
      const tail = `_${suffix}${n > 1 ? n : ''}`;
      const name = `${base.slice(0, 63 - tail.length).replace(/_+$/, '')}${tail}`;
      if (!this.usedNames.has(name)) {
        this.usedNames.add(name);
        return name;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Names

const BASE_TABLES: readonly {
  name: string;
  id: 'identity' | 'bigserial' | 'serial' | 'none';
  columns: string;
}[] = [
  {
    name: 'organizations',
    id: 'identity',
    columns: 'name varchar(200)!, slug varchar(100)!, plan varchar(30), created_at, updated_at',
  },
  {
    name: 'users',
    id: 'identity',
    columns:
      'organization_id ->organizations, email text!, full_name varchar(150), password_digest text, last_login_at timestamptz, created_at, updated_at',
  },
  {
    name: 'memberships',
    id: 'bigserial',
    columns: 'organization_id ->organizations, user_id ->users, role varchar(30)!, created_at',
  },
  {
    name: 'addresses',
    id: 'bigserial',
    columns:
      'user_id ->users, line1 text!, line2 text, city varchar(100), postal_code varchar(20), country_code varchar(2), created_at',
  },
  {
    name: 'categories',
    id: 'serial',
    columns: 'name varchar(120)!, slug varchar(120)!, position int, created_at',
  },
  {
    name: 'products',
    id: 'identity',
    columns:
      'organization_id ->organizations, category_id ->categories, name varchar(200)!, description text, price numeric(10,2)!, currency varchar(3)!, sku varchar(64), created_at, updated_at',
  },
  {
    name: 'product_variants',
    id: 'identity',
    columns: 'product_id ->products, sku varchar(64)!, price numeric(10,2), weight_grams int, created_at',
  },
  { name: 'warehouses', id: 'serial', columns: 'name varchar(120)!, code varchar(16), created_at' },
  {
    name: 'inventory_levels',
    id: 'bigserial',
    columns: 'variant_id ->product_variants, warehouse_id ->warehouses, quantity int!=0, updated_at',
  },
  {
    name: 'customers',
    id: 'identity',
    columns: 'organization_id ->organizations, email text, name varchar(200), phone varchar(32), created_at',
  },
  { name: 'carts', id: 'bigserial', columns: 'customer_id ->customers, created_at, updated_at' },
  {
    name: 'cart_items',
    id: 'bigserial',
    columns: 'cart_id ->carts, variant_id ->product_variants, quantity int!, created_at',
  },
  {
    name: 'orders',
    id: 'identity',
    columns:
      "customer_id ->customers, status order_status!='pending', total numeric(12,2)!, currency varchar(3), placed_at timestamptz, created_at, updated_at",
  },
  {
    name: 'order_items',
    id: 'identity',
    columns:
      'order_id ->orders, variant_id ->product_variants, quantity int!, unit_price numeric(10,2)!, created_at',
  },
  {
    name: 'payments',
    id: 'identity',
    columns:
      'order_id ->orders, amount numeric(12,2)!, provider varchar(40), provider_ref text, captured_at timestamptz, created_at',
  },
  {
    name: 'refunds',
    id: 'bigserial',
    columns: 'payment_id ->payments, amount numeric(12,2), reason text, created_at',
  },
  {
    name: 'invoices',
    id: 'identity',
    columns:
      'order_id ->orders, number varchar(32)!, issued_at timestamptz, due_at timestamptz, total numeric(12,2), created_at',
  },
  {
    name: 'invoice_lines',
    id: 'bigserial',
    columns: 'invoice_id ->invoices, description text, amount numeric(12,2), created_at',
  },
  {
    name: 'shipments',
    id: 'identity',
    columns:
      'order_id ->orders, warehouse_id ->warehouses, carrier varchar(40), tracking_number varchar(64), shipped_at timestamptz, delivered_at timestamptz, created_at',
  },
  {
    name: 'coupons',
    id: 'serial',
    columns: 'code varchar(40)!, percent_off numeric(5,2), expires_at timestamptz, created_at',
  },
  {
    name: 'reviews',
    id: 'bigserial',
    columns: 'product_id ->products, customer_id ->customers, rating int, body text, created_at',
  },
  { name: 'tags', id: 'serial', columns: 'name varchar(60)!, created_at' },
  { name: 'product_tags', id: 'none', columns: 'product_id ->products!, tag_id ->tags!, created_at' },
  {
    name: 'plans',
    id: 'serial',
    columns: 'name varchar(80)!, price numeric(10,2), billing_period varchar(16)',
  },
  {
    name: 'subscriptions',
    id: 'identity',
    columns:
      'organization_id ->organizations, plan_id ->plans, status varchar(20), current_period_end timestamptz, created_at, updated_at',
  },
  {
    name: 'api_keys',
    id: 'bigserial',
    columns: 'organization_id ->organizations, token_digest text!, last_used_at timestamptz, created_at',
  },
  {
    name: 'webhooks',
    id: 'bigserial',
    columns: 'organization_id ->organizations, url text!, secret text, created_at',
  },
  {
    name: 'webhook_deliveries',
    id: 'identity',
    columns:
      'webhook_id ->webhooks, status_code int, response_body text, delivered_at timestamptz, created_at',
  },
  {
    name: 'sessions',
    id: 'identity',
    columns: 'user_id ->users, token_digest text, expires_at timestamptz, created_at',
  },
  {
    name: 'audit_events',
    id: 'identity',
    columns:
      'organization_id ->organizations, actor_id bigint, action varchar(80)!, payload jsonb, created_at',
  },
  {
    name: 'notifications',
    id: 'bigserial',
    columns: 'user_id ->users, kind varchar(40), body text, read_at timestamptz, created_at',
  },
  {
    name: 'support_tickets',
    id: 'identity',
    columns: 'customer_id ->customers, subject varchar(200), status varchar(20), created_at, updated_at',
  },
  {
    name: 'ticket_messages',
    id: 'bigserial',
    columns: 'ticket_id ->support_tickets, author_id ->users, body text, created_at',
  },
  {
    name: 'attachments',
    id: 'bigserial',
    columns: 'ticket_message_id ->ticket_messages, file_name text, byte_size bigint, created_at',
  },
  { name: 'feature_flags', id: 'serial', columns: 'key varchar(100)!, enabled bool!=false, created_at' },
  { name: 'suppliers', id: 'serial', columns: 'name varchar(200)!, email text, created_at' },
  {
    name: 'purchase_orders',
    id: 'identity',
    columns:
      'supplier_id ->suppliers, warehouse_id ->warehouses, status varchar(20), total numeric(12,2), created_at',
  },
];

export const BASE_TABLE_COUNT = BASE_TABLES.length;

const BASE_UNIQUE: readonly [string, string][] = [
  ['users', 'email'],
  ['organizations', 'slug'],
  ['product_variants', 'sku'],
  ['invoices', 'number'],
  ['coupons', 'code'],
  ['tags', 'name'],
  ['feature_flags', 'key'],
  ['api_keys', 'token_digest'],
];

const BASE_CHECKS: readonly [string, string, string][] = [
  ['order_items', 'quantity', 'quantity > 0'],
  ['products', 'price', 'price >= 0'],
  ['payments', 'amount', 'amount >= 0'],
];

/** Hot tables: most migrations touch them. */
const HOT = [
  'orders',
  'users',
  'products',
  'customers',
  'order_items',
  'payments',
  'organizations',
  'invoices',
];

const NEW_TABLES = [
  'loyalty_accounts',
  'loyalty_transactions',
  'gift_cards',
  'gift_card_redemptions',
  'price_rules',
  'returns',
  'return_items',
  'exports',
  'import_jobs',
  'import_rows',
  'email_templates',
  'email_messages',
  'sms_messages',
  'saved_searches',
  'wishlists',
  'wishlist_items',
  'bundles',
  'bundle_items',
  'tax_rates',
  'tax_exemptions',
  'store_credits',
  'payout_batches',
  'payouts',
  'disputes',
  'dispute_evidence',
  'fulfillment_orders',
  'fulfillment_events',
  'pick_lists',
  'pick_list_items',
  'stock_transfers',
  'stock_transfer_items',
  'price_lists',
  'price_list_entries',
  'customer_groups',
  'customer_group_members',
  'segments',
  'segment_members',
  'campaigns',
  'campaign_recipients',
  'referrals',
  'referral_rewards',
  'affiliate_links',
  'report_runs',
  'dashboards',
  'dashboard_widgets',
  'integrations',
  'integration_syncs',
  'oauth_clients',
  'oauth_tokens',
  'login_attempts',
  'password_resets',
  'invitations',
  'teams',
  'team_members',
  'projects',
  'project_members',
  'tasks',
  'task_comments',
  'time_entries',
  'announcements',
  'surveys',
  'survey_responses',
  'shipping_zones',
  'shipping_rates',
  'carrier_accounts',
  'label_purchases',
  'product_images',
  'product_options',
  'option_values',
  'inventory_adjustments',
  'cycle_counts',
  'vendors',
  'vendor_contacts',
  'contracts',
  'contract_terms',
  'usage_records',
  'metered_events',
  'invoice_adjustments',
  'credit_notes',
  'notes',
];
const TABLE_PREFIXES = ['b2b', 'marketplace', 'pos', 'eu', 'wholesale', 'partner', 'internal', 'mobile'];

const COLUMN_NAMES: Record<Exclude<Kind, 'id' | 'ref' | 'enum'>, readonly string[]> = {
  text: [
    'notes',
    'description',
    'external_ref',
    'display_name',
    'slug',
    'locale',
    'timezone',
    'source',
    'channel',
    'reason',
    'status_detail',
    'internal_note',
    'summary',
    'title',
    'label',
    'gift_message',
    'cancel_reason',
    'reference_number',
    'legacy_code',
    'priority_level',
  ],
  varchar: [
    'code',
    'currency_code',
    'country',
    'phone_number',
    'region',
    'state',
    'channel_code',
    'tax_id',
    'vat_number',
    'external_key',
    'color',
    'size_label',
  ],
  numeric: [
    'discount_amount',
    'tax_amount',
    'weight_kg',
    'rate',
    'shipping_amount',
    'fee_amount',
    'balance',
    'credit_limit',
    'exchange_rate',
    'margin',
  ],
  int: [
    'position',
    'retry_count',
    'priority',
    'version',
    'attempts',
    'sort_order',
    'score',
    'quantity_reserved',
  ],
  bigint: ['external_number', 'sequence_number', 'bytes_used', 'legacy_id'],
  bool: [
    'is_archived',
    'is_default',
    'is_verified',
    'requires_review',
    'is_test',
    'is_gift',
    'marketing_opt_in',
    'is_flagged',
  ],
  timestamptz: [
    'archived_at',
    'verified_at',
    'last_seen_at',
    'cancelled_at',
    'shipped_at',
    'processed_at',
    'deleted_at',
    'confirmed_at',
    'expires_at',
    'synced_at',
  ],
  date: ['effective_on', 'valid_until', 'birth_date', 'due_on'],
  uuid: ['public_id', 'external_id', 'request_id', 'idempotency_key', 'correlation_id'],
  jsonb: ['metadata', 'settings', 'payload', 'attributes', 'preferences'],
};

/** Columns that identify a row: the ones teams put UNIQUE on. */
const UNIQUE_NAMES =
  /(^|_)(code|slug|email|sku|number|ref|key|token_digest|public_id|external_id|idempotency_key|tax_id|vat_number|reference_number|external_number)(_v2|_new|_2)?$/;

/** text columns whose values are numbers in disguise: candidates for `TYPE integer USING …`. */
const NUMBERISH_TEXT = new Set(['reference_number', 'legacy_code', 'priority_level']);

const RENAMES: Record<string, string> = {
  full_name: 'display_name',
  body: 'content',
  kind: 'category',
  notes: 'internal_notes',
  description: 'long_description',
  phone: 'phone_number',
  reason: 'reason_text',
  label: 'display_label',
  summary: 'short_summary',
  title: 'heading',
  color: 'color_hex',
  position: 'sort_position',
  score: 'rank_score',
  source: 'origin',
  secret: 'signing_secret',
  provider_ref: 'provider_reference',
};

const ENUM_VALUES = [
  'on_hold',
  'partially_shipped',
  'awaiting_payment',
  'disputed',
  'backordered',
  'archived',
];

const COMMENTS: Record<string, readonly string[]> = {
  'add-column': [
    'needed by the new checkout flow',
    'requested by the finance team',
    'see PAY-%d',
    'nullable for now; backfilled in a follow-up migration',
    'for the mobile app (API v2)',
  ],
  'create-index': [
    'speeds up the dashboard query (p95 2.3 s)',
    'used by the nightly export',
    'lookup by external reference, see OPS-%d',
    'the admin search filters on this',
  ],
  'create-table': ['new feature: %s', 'see the design doc in ENG-%d', 'part of the %s project'],
  constraint: [
    'enforce in the database, not only in the app',
    'data cleaned up in the previous release',
    'two-step: NOT VALID now, VALIDATE later',
  ],
  backfill: ['backfill, small table', 'one-off data fix for INC-%d', 'keep in sync with the new column'],
  cleanup: ['no longer read since release %d', 'dead feature, removed from the app last sprint'],
  type: ['values grew larger than expected', 'align types with the API', 'int overflow risk, see INC-%d'],
  rename: ['clearer name', 'matches the API field name'],
  other: ['see ticket ENG-%d', 'reviewed by the DBA team'],
};

// ---------------------------------------------------------------------------------------------------------------
// The corpus

export interface CorpusStatement {
  /** 1-based line of the statement's first line (after any comment above it). */
  readonly line: number;
  readonly endLine: number;
  /** What the generator meant to write, e.g. `add-column:volatile-default`, `alter-type:varchar-to-text`. */
  readonly tag: string;
  /** The table it works on, when there is one. */
  readonly table?: string;
  /** Whether the table existed before this migration (and so may hold rows). */
  readonly existing?: boolean;
}

export interface CorpusFile {
  readonly index: number;
  readonly name: string;
  readonly theme: string;
  /** 1-based lines of the `-- migrate:up` and `-- migrate:down` markers (down: null when there is none). */
  readonly upLine: number;
  readonly downLine: number | null;
  readonly noTransaction: boolean;
  readonly syntaxError: boolean;
  readonly statements: readonly CorpusStatement[];
  readonly lines: number;
}

export interface Corpus {
  readonly seed: number;
  readonly files: readonly CorpusFile[];
  /** The text of each file, by name. */
  readonly texts: ReadonlyMap<string, string>;
  /** Statement count by tag (up sections). */
  readonly tags: Readonly<Record<string, number>>;
  readonly statements: number;
  readonly bytes: number;
  readonly tablesAtEnd: number;
}

interface Stmt {
  sql: string;
  tag: string;
  table?: string;
  comment?: string;
  down?: string;
}

/** The state of the migration being written. */
class FileBuilder {
  readonly up: Stmt[] = [];
  readonly down: string[] = [];
  readonly created = new Set<string>();
  /** `table.column` added here without a value for existing rows (NULL until a backfill). */
  readonly unfilled = new Set<string>();
  /** Tables renamed here: new name → the name it had before this migration. */
  readonly renamed = new Map<string, string>();
  /** `table.column` added here. */
  readonly added = new Set<string>();
  /** Constraints added NOT VALID here (validating them here would be the mistake of doing both at once). */
  readonly notValidHere = new Set<string>();
  /** `table.column` set to one value for every row here (no longer distinct: no UNIQUE on it). */
  readonly overwritten = new Set<string>();
  focus: string[] = [];
  constructor(
    readonly index: number,
    readonly noTransaction: boolean,
  ) {}

  add(stmt: Stmt): void {
    this.up.push(stmt);
    if (stmt.down) this.down.unshift(stmt.down);
  }

  isNew(table: string): boolean {
    return this.created.has(table);
  }
}

type Op = (g: Generator, f: FileBuilder) => boolean;

class Generator {
  readonly rng: Random;
  schema = new Schema();
  newTableCursor = 0;
  private ticket = 1000;

  constructor(seed: number) {
    this.rng = new Random(seed);
  }

  ticketNo(): number {
    this.ticket += this.rng.int(1, 40);
    return this.ticket;
  }

  comment(kind: keyof typeof COMMENTS, word = ''): string {
    return this.rng
      .pick(COMMENTS[kind]!)
      .replace('%d', String(this.ticketNo()))
      .replace('%s', word.replace(/_/g, ' '));
  }

  // ----- choosing what to work on

  tablesExisting(f: FileBuilder): Table[] {
    return [...this.schema.tables.values()].filter((t) => !f.isNew(t.name));
  }

  pickFocus(f: FileBuilder): void {
    const existing = this.tablesExisting(f);
    const hot = existing.filter((t) => HOT.includes(t.name));
    const count = this.rng.weighted([
      [1, 6],
      [2, 3],
      [3, 1],
    ] as const);
    const chosen = new Set<string>();
    while (chosen.size < Math.min(count, existing.length)) {
      const pool = hot.length > 0 && this.rng.chance(0.45) ? hot : existing;
      chosen.add(this.rng.pick(pool).name);
    }
    f.focus = [...chosen];
  }

  focusTable(f: FileBuilder, existingOnly = false): Table | undefined {
    const names = f.focus.filter((n) => this.schema.tables.has(n) && (!existingOnly || !f.isNew(n)));
    if (names.length === 0) return undefined;
    return this.schema.tables.get(this.rng.pick(names));
  }

  /** A column of the table that nothing else depends on. */
  freeColumns(t: Table, predicate: (c: Column) => boolean = () => true): Column[] {
    return t.columns.filter((c) => !c.pk && c.deps === 0 && !c.generated && !c.identity && predicate(c));
  }

  columnName(t: Table, kind: keyof typeof COLUMN_NAMES): string | undefined {
    const free = COLUMN_NAMES[kind].filter((n) => !t.columns.some((c) => c.name === n));
    if (free.length > 0) return this.rng.pick(free);
    for (const n of COLUMN_NAMES[kind]) {
      for (const suffix of ['_v2', '_new', '_2']) {
        if (!t.columns.some((c) => c.name === n + suffix)) return n + suffix;
      }
    }
    return undefined;
  }

  typeFor(kind: Kind): string {
    switch (kind) {
      case 'text':
        return 'text';
      case 'varchar':
        return `varchar(${this.rng.pick([16, 32, 40, 64, 100, 120, 200, 255])})`;
      case 'numeric':
        return this.rng.pick(['numeric(10,2)', 'numeric(12,2)', 'numeric(12,4)', 'numeric(8,3)', 'numeric']);
      case 'int':
        return 'integer';
      case 'bigint':
        return 'bigint';
      case 'bool':
        return 'boolean';
      case 'timestamptz':
        return 'timestamptz';
      case 'date':
        return 'date';
      case 'uuid':
        return 'uuid';
      case 'jsonb':
        return 'jsonb';
      default:
        return 'text';
    }
  }

  /**
   * Whether a UNIQUE on the column makes sense (an identifier-like name) and holds on the rows the trace puts in
   * the table (distinct generated values).
   */
  distinctValues(t: Table, c: Column, f: FileBuilder): boolean {
    if (!UNIQUE_NAMES.test(c.name)) return false;
    if (f.overwritten.has(`${t.name}.${c.name}`)) return false;
    if (f.unfilled.has(`${t.name}.${c.name}`)) return true; // all NULL
    if (c.default !== undefined || c.generated || c.identity) return false;
    if (c.kind === 'varchar') return varcharLength(c.type) >= 8;
    return ['text', 'numeric', 'int', 'bigint', 'uuid'].includes(c.kind);
  }

  /** Whether `from` refers to `to`, directly or through other tables (foreign keys and id columns alike). */
  refersTo(from: string, to: string): boolean {
    const seen = new Set<string>();
    const queue = [from];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (name === to) return true;
      if (seen.has(name)) continue;
      seen.add(name);
      for (const c of this.schema.tables.get(name)?.columns ?? []) {
        const target = c.references ?? c.refCandidate;
        if (target && !seen.has(target)) queue.push(target);
      }
    }
    return false;
  }

  inUniqueIndex(t: Table, column: string): boolean {
    return [...this.schema.indexes.values()].some(
      (i) => i.table === t.name && i.unique && i.keys.some((k) => k.column === column),
    );
  }

  idType(table: string): string {
    const t = this.schema.tables.get(table);
    const id = t?.columns.find((c) => c.name === 'id');
    return id?.type === 'integer' ? 'integer' : 'bigint';
  }

  // ----- schema changes (keep the schema in step with the SQL)

  addColumnToSchema(t: Table, c: Column, f: FileBuilder): void {
    t.columns.push(c);
    f.added.add(`${t.name}.${c.name}`);
    if (!f.isNew(t.name) && c.default === undefined && !c.generated && !c.identity) {
      f.unfilled.add(`${t.name}.${c.name}`);
    }
  }

  dropColumnFromSchema(t: Table, column: string): void {
    t.columns = t.columns.filter((c) => c.name !== column);
    for (const [name, index] of this.schema.indexes) {
      if (index.table !== t.name) continue;
      if (index.keys.some((k) => k.column === column) || index.where?.column === column) {
        this.schema.indexes.delete(name);
        if (index.constraint) this.schema.constraints.delete(index.constraint);
      }
    }
    for (const [name, con] of this.schema.constraints) {
      if (con.table === t.name && con.columns.includes(column)) {
        this.schema.constraints.delete(name);
        for (const [iname, index] of this.schema.indexes)
          if (index.constraint === name) this.schema.indexes.delete(iname);
      }
    }
    this.schema.pendingUsingIndex = this.schema.pendingUsingIndex.filter((n) => this.schema.indexes.has(n));
  }

  dropTableFromSchema(name: string): void {
    this.schema.tables.delete(name);
    for (const [iname, index] of this.schema.indexes)
      if (index.table === name) this.schema.indexes.delete(iname);
    for (const [cname, con] of this.schema.constraints)
      if (con.table === name) this.schema.constraints.delete(cname);
    this.schema.pendingUsingIndex = this.schema.pendingUsingIndex.filter((n) => this.schema.indexes.has(n));
  }

  renameColumnInSchema(t: Table, from: string, to: string): void {
    const c = t.columns.find((x) => x.name === from)!;
    c.name = to;
    for (const index of this.schema.indexes.values()) {
      if (index.table !== t.name) continue;
      for (const key of index.keys) if (key.column === from) key.column = to;
      if (index.where?.column === from) index.where.column = to;
    }
    for (const con of this.schema.constraints.values()) {
      if (con.table === t.name) con.columns = con.columns.map((x) => (x === from ? to : x));
      if (con.notNullOf === from && con.table === t.name) con.notNullOf = to;
    }
  }

  renameTableInSchema(from: string, to: string): void {
    const t = this.schema.tables.get(from)!;
    this.schema.tables.delete(from);
    t.name = to;
    this.schema.tables.set(to, t);
    for (const index of this.schema.indexes.values()) if (index.table === from) index.table = to;
    for (const con of this.schema.constraints.values()) {
      if (con.table === from) con.table = to;
      if (con.refTable === from) con.refTable = to;
    }
    for (const other of this.schema.tables.values()) {
      for (const c of other.columns) {
        if (c.references === from) c.references = to;
        if (c.refCandidate === from) c.refCandidate = to;
      }
    }
  }

  // ----- the base schema

  baseMigration(): Stmt[] {
    const out: Stmt[] = [];
    const s = this.schema;
    s.enums.set('order_status', ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded']);
    out.push({
      sql: `CREATE TYPE order_status AS ENUM (${s.enums
        .get('order_status')!
        .map((l) => `'${l}'`)
        .join(', ')})`,
      tag: 'create-type',
    });
    out.push({ sql: SET_UPDATED_AT_FUNCTION, tag: 'create-function' });
    for (const spec of BASE_TABLES) {
      const t: Table = {
        name: spec.name,
        columns: [],
        createdIn: 0,
        hasPk: spec.id !== 'none',
        trigger: false,
        core: true,
      };
      s.usedNames.add(spec.name);
      if (spec.id !== 'none') {
        t.columns.push(idColumn(spec.id));
        s.usedNames.add(`${spec.name}_pkey`);
      }
      for (const part of spec.columns.split(', '))
        t.columns.push(parseColumnSpec(part, (x) => this.idType(x)));
      s.tables.set(t.name, t);
      for (const c of t.columns) {
        if (c.references) {
          const name = s.uniqueName(`${t.name}_${c.name}`, 'fkey');
          s.constraints.set(name, {
            name,
            table: t.name,
            kind: 'fk',
            columns: [c.name],
            sql: `FOREIGN KEY (${c.name}) REFERENCES ${c.references} (id)`,
            validated: true,
            refTable: c.references,
            addedIn: 0,
          });
        }
      }
      t.trigger = t.columns.some((c) => c.name === 'updated_at');
      out.push({ sql: createTableSql(t, s), tag: 'create-table', table: t.name });
      if (t.trigger) out.push({ sql: triggerSql(t.name), tag: 'create-trigger', table: t.name });
    }
    for (const [table, check, expr] of BASE_CHECKS) {
      const name = s.uniqueName(`${table}_${check}`, 'check');
      s.constraints.set(name, {
        name,
        table,
        kind: 'check',
        columns: [check],
        sql: `CHECK (${expr})`,
        validated: true,
        addedIn: 0,
      });
      s.column(table, check)!.deps++;
      out.push({
        sql: `ALTER TABLE ${table} ADD CONSTRAINT ${name} CHECK (${expr})`,
        tag: 'add-check',
        table,
      });
    }
    for (const [table, column] of BASE_UNIQUE) {
      const name = s.uniqueName(`${table}_${column}`, 'key');
      s.indexes.set(name, { name, table, keys: [{ column }], unique: true, constraint: name });
      s.constraints.set(name, {
        name,
        table,
        kind: 'unique',
        columns: [column],
        sql: `UNIQUE (${column})`,
        validated: true,
        addedIn: 0,
      });
      out.push({
        sql: `ALTER TABLE ${table} ADD CONSTRAINT ${name} UNIQUE (${column})`,
        tag: 'add-unique',
        table,
      });
    }
    // the foreign-key columns are indexed, as a careful team does
    for (const t of s.tables.values()) {
      for (const c of t.columns) {
        if (!c.references) continue;
        const name = s.uniqueName(`${t.name}_${c.name}`, 'idx');
        s.indexes.set(name, { name, table: t.name, keys: [{ column: c.name }], unique: false });
        out.push({
          sql: `CREATE INDEX ${name} ON ${t.name} (${c.name})`,
          tag: 'create-index',
          table: t.name,
        });
      }
    }
    return out;
  }

  // ----- one migration

  migration(index: number): { file: FileBuilder; theme: string; syntaxError: boolean } {
    const rng = this.rng;
    const theme = rng.weighted<Theme>([
      ['columns', 30],
      ['new-table', 11],
      ['indexes', 13],
      ['constraints', 11],
      ['types', 7],
      ['cleanup', 8],
      ['rename', 3],
      ['backfill', 9],
      ['do-block', 4],
      ['misc', 4],
    ]);
    const noTransaction = theme === 'indexes' && rng.chance(0.7);
    const f = new FileBuilder(index, noTransaction);
    this.pickFocus(f);
    const target = 3 + Math.floor(27 * rng.next() ** 2.6);
    if (rng.chance(noTransaction ? 0.7 : 0.33)) {
      f.add({
        sql: `SET lock_timeout = '${rng.pick(['2s', '3s', '5s', '10s', '1s'])}'`,
        tag: 'set:lock-timeout',
      });
    }
    if (rng.chance(0.18)) {
      f.add({
        sql: `SET statement_timeout = '${rng.pick(['30s', '1min', '5min', '15min', '0'])}'`,
        tag: 'set:statement-timeout',
      });
    }
    const ops = THEMES[theme](noTransaction);
    let attempts = 0;
    while (f.up.length < target && attempts < target * 8) {
      attempts++;
      const op = rng.chance(0.15) && !noTransaction ? rng.weighted(THEMES.columns(false)) : rng.weighted(ops);
      op(this, f);
    }
    // an index-only migration still needs something in it
    if (f.up.length === 0) opAddColumn(this, f);
    return { file: f, theme, syntaxError: false };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// SQL text

const SET_UPDATED_AT_FUNCTION = `CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$`;

function triggerSql(table: string): string {
  return `CREATE TRIGGER ${table}_set_updated_at BEFORE UPDATE ON ${table}\n  FOR EACH ROW EXECUTE FUNCTION set_updated_at()`;
}

function varcharLength(type: string): number {
  return Number(/\((\d+)\)/.exec(type)?.[1] ?? 0);
}

function idColumn(kind: 'identity' | 'bigserial' | 'serial'): Column {
  if (kind === 'identity') {
    return { name: 'id', kind: 'id', type: 'bigint', notNull: true, identity: true, deps: 0, pk: true };
  }
  return {
    name: 'id',
    kind: 'id',
    type: kind === 'serial' ? 'integer' : 'bigint',
    notNull: true,
    default: kind,
    deps: 0,
    pk: true,
  };
}

/** `name type[!][=default]`, `name ->table[!]`, or a bare `created_at` / `updated_at`. */
function parseColumnSpec(spec: string, idType: (table: string) => string): Column {
  if (spec === 'created_at') {
    return {
      name: 'created_at',
      kind: 'timestamptz',
      type: 'timestamptz',
      notNull: true,
      default: 'now()',
      deps: 0,
    };
  }
  if (spec === 'updated_at') {
    return {
      name: 'updated_at',
      kind: 'timestamptz',
      type: 'timestamptz',
      notNull: false,
      default: 'now()',
      deps: 0,
    };
  }
  const ref = /^(\w+) ->(\w+)(!)?$/.exec(spec);
  if (ref) {
    return {
      name: ref[1]!,
      kind: 'ref',
      type: idType(ref[2]!),
      notNull: ref[3] === '!',
      references: ref[2]!,
      deps: 0,
    };
  }
  const m = /^(\w+) ([\w(),]+?)(!)?(?:=(.+))?$/.exec(spec);
  if (!m) throw new Error(`bad column spec ${spec}`);
  const [, name, rawType, bang, def] = m as unknown as [string, string, string, string?, string?];
  const kind: Kind = rawType.startsWith('varchar')
    ? 'varchar'
    : rawType.startsWith('numeric')
      ? 'numeric'
      : rawType === 'int'
        ? 'int'
        : rawType === 'bool'
          ? 'bool'
          : rawType === 'order_status'
            ? 'enum'
            : (rawType as Kind);
  const type = rawType === 'int' ? 'integer' : rawType === 'bool' ? 'boolean' : rawType;
  return { name, kind, type, notNull: bang === '!', default: def, deps: 0 };
}

function columnSql(c: Column): string {
  if (c.default === 'serial' || c.default === 'bigserial')
    return `${c.name} ${c.default}${c.pk ? ' PRIMARY KEY' : ''}`;
  const parts = [c.name, c.type];
  if (c.identity) parts.push(c.pk ? 'GENERATED ALWAYS AS IDENTITY' : 'GENERATED BY DEFAULT AS IDENTITY');
  if (c.generated)
    parts.push(`GENERATED ALWAYS AS (${c.generated.expr}) ${c.generated.stored ? 'STORED' : 'VIRTUAL'}`);
  if (c.pk) parts.push('PRIMARY KEY');
  else if (c.notNull) parts.push('NOT NULL');
  if (c.default !== undefined) parts.push(`DEFAULT ${c.default}`);
  if (c.references) parts.push(`REFERENCES ${c.references} (id)`);
  return parts.join(' ');
}

function createTableSql(t: Table, _s: Schema): string {
  const cols = t.columns.map((c) => `  ${columnSql(c)}`);
  return `CREATE TABLE ${t.name} (\n${cols.join(',\n')}\n)`;
}

function indexSql(index: Index, concurrently: boolean, ifNotExists: boolean): string {
  const keys = index.keys.map((k) => (k.fn ? `${k.fn}(${k.column})` : k.column)).join(', ');
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${
    ifNotExists ? 'IF NOT EXISTS ' : ''
  }${index.name} ON ${index.table} (${keys})${index.where ? ` WHERE ${index.where.sql}` : ''}`;
}

/** A value of the column's kind, for backfills and defaults. */
function valueFor(kind: Kind, t: Table, rng: Random): string {
  const has = (name: string) => t.columns.some((c) => c.name === name);
  switch (kind) {
    case 'text':
      return has('name') ? 'lower(name::text)' : rng.pick(["''", "'unknown'"]);
    case 'varchar':
      return rng.pick(["'XX'", "'n/a'", "''"]);
    case 'numeric':
    case 'int':
    case 'bigint':
      return '0';
    case 'bool':
      return 'false';
    case 'timestamptz':
      return has('created_at') ? 'created_at' : 'now()';
    case 'date':
      return 'CURRENT_DATE';
    case 'uuid':
      return 'gen_random_uuid()';
    case 'jsonb':
      return "'{}'::jsonb";
    default:
      return 'NULL';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Operations: each writes one statement (or two) that is valid on the schema as it stands, and updates it.

const opAddColumn: Op = (g, f) => {
  const t = g.focusTable(f);
  if (!t || t.columns.length > 40) return false;
  const rng = g.rng;
  const variant = rng.weighted([
    ['nullable', 40],
    ['constant-default', 17],
    ['stable-default', 6],
    ['volatile-default', 6],
    ['serial', 2],
    ['identity', 2],
    ['stored-generated', 3],
    ['virtual-generated', 3],
    ['not-null-no-default', 1],
    ['references', 6],
    ['id-column', 4],
  ] as const);
  const existing = !f.isNew(t.name);
  let column: Column;
  let tail = '';
  switch (variant) {
    case 'nullable': {
      const kind = rng.pick([
        'text',
        'varchar',
        'numeric',
        'int',
        'bigint',
        'timestamptz',
        'date',
        'uuid',
        'jsonb',
      ] as const);
      const name = g.columnName(t, kind);
      if (!name) return false;
      column = { name, kind, type: g.typeFor(kind), notNull: false, deps: 0 };
      break;
    }
    case 'constant-default': {
      const kind = rng.pick(['bool', 'int', 'numeric', 'text', 'jsonb', 'varchar'] as const);
      const name = g.columnName(t, kind);
      if (!name) return false;
      const def =
        kind === 'bool'
          ? rng.pick(['false', 'true'])
          : kind === 'jsonb'
            ? rng.pick(["'{}'::jsonb", "'{}'", "'[]'::jsonb"])
            : kind === 'text'
              ? rng.pick(["''", "'web'", "'default'"])
              : kind === 'varchar'
                ? rng.pick(["'USD'", "'en'", "'none'"])
                : rng.pick(['0', '1']);
      column = { name, kind, type: g.typeFor(kind), notNull: rng.chance(0.7), default: def, deps: 0 };
      if (kind === 'varchar') column.type = 'varchar(16)';
      break;
    }
    case 'stable-default': {
      const kind = rng.pick(['timestamptz', 'timestamptz', 'date'] as const);
      const name = freeName(
        t,
        kind === 'date'
          ? ['effective_on', 'booked_on', 'recorded_on']
          : ['recorded_at', 'imported_at', 'registered_at', 'effective_at'],
      );
      if (!name) return false;
      const def =
        kind === 'date'
          ? 'CURRENT_DATE'
          : rng.pick(['now()', 'CURRENT_TIMESTAMP', 'transaction_timestamp()']);
      column = { name, kind, type: g.typeFor(kind), notNull: rng.chance(0.5), default: def, deps: 0 };
      break;
    }
    case 'volatile-default': {
      const choice = rng.pick([
        ['uuid', 'gen_random_uuid()'],
        ['uuid', 'gen_random_uuid()'],
        ['timestamptz', 'clock_timestamp()'],
        ['numeric', 'random()'],
        ['text', 'md5(random()::text)'],
      ] as const);
      const kind = choice[0];
      const name =
        kind === 'numeric'
          ? freeName(t, ['random_rank', 'sort_jitter', 'sample_key'])
          : g.columnName(t, kind);
      if (!name) return false;
      column = { name, kind, type: g.typeFor(kind), notNull: rng.chance(0.5), default: choice[1], deps: 0 };
      if (kind === 'numeric') column.type = 'double precision';
      break;
    }
    case 'serial': {
      const name = g.columnName(t, 'bigint');
      if (!name) return false;
      const type = rng.pick(['serial', 'bigserial']);
      column = {
        name,
        kind: 'bigint',
        type: type === 'serial' ? 'integer' : 'bigint',
        notNull: true,
        default: type,
        deps: 0,
      };
      break;
    }
    case 'identity': {
      const name = g.columnName(t, 'bigint');
      if (!name) return false;
      column = { name, kind: 'bigint', type: 'bigint', notNull: true, identity: true, deps: 0 };
      break;
    }
    case 'stored-generated':
    case 'virtual-generated': {
      const source = t.columns.find(
        (c) => (c.kind === 'numeric' || c.kind === 'text') && !c.generated && c.type !== 'double precision',
      );
      if (!source) return false;
      const stored = variant === 'stored-generated';
      const numeric = source.kind === 'numeric';
      const name = numeric ? `${source.name}_cents` : `${source.name}_normalized`;
      if (t.columns.some((c) => c.name === name)) return false;
      const expr = numeric ? `(${source.name} * 100)::bigint` : `lower(${source.name})`;
      column = {
        name,
        kind: numeric ? 'bigint' : 'text',
        type: numeric ? 'bigint' : 'text',
        notNull: false,
        generated: { expr, stored },
        deps: 0,
      };
      source.deps++;
      break;
    }
    case 'not-null-no-default': {
      // a mistake on an existing table (fails once it has rows), legitimate on a table created in this file
      if (existing && !rng.chance(0.25)) return false;
      const name = g.columnName(t, 'text');
      if (!name) return false;
      column = { name, kind: 'text', type: 'text', notNull: true, deps: 0 };
      break;
    }
    case 'references':
    case 'id-column': {
      // no cycle of references: a table cannot be filled when its parent needs it first
      const parents = [...g.schema.tables.values()].filter(
        (p) => p.name !== t.name && hasIdKey(p) && !g.refersTo(p.name, t.name),
      );
      if (parents.length === 0) return false;
      const parent = rng.pick(parents);
      const name = `${singular(parent.name)}_id`;
      if (t.columns.some((c) => c.name === name)) return false;
      const type = g.idType(parent.name);
      column = { name, kind: 'ref', type, notNull: false, deps: 0 };
      if (variant === 'references') {
        column.references = parent.name;
        const cname = g.schema.uniqueName(`${t.name}_${name}`, 'fkey');
        g.schema.constraints.set(cname, {
          name: cname,
          table: t.name,
          kind: 'fk',
          columns: [name],
          sql: `FOREIGN KEY (${name}) REFERENCES ${parent.name} (id)`,
          validated: true,
          refTable: parent.name,
          addedIn: f.index,
        });
        const onDelete = rng.pick(['', '', ' ON DELETE SET NULL']);
        tail = onDelete;
      } else {
        column.refCandidate = parent.name;
      }
      break;
    }
  }
  const sql = `ALTER TABLE ${t.name} ADD COLUMN ${rng.chance(0.1) ? 'IF NOT EXISTS ' : ''}${columnSql(column)}${tail}`;
  g.addColumnToSchema(t, column, f);
  f.add({
    sql,
    tag: `add-column:${variant}`,
    table: t.name,
    comment: rng.chance(0.3) ? g.comment('add-column') : undefined,
    down: `ALTER TABLE ${t.name} DROP COLUMN IF EXISTS ${column.name}`,
  });
  return true;
};

const opCreateTable: Op = (g, f) => {
  if (f.created.size >= 2) return false;
  const rng = g.rng;
  const s = g.schema;
  let name: string | undefined;
  for (let tries = 0; tries < 5 && !name; tries++) {
    const base = NEW_TABLES[g.newTableCursor % NEW_TABLES.length]!;
    const round = Math.floor(g.newTableCursor / NEW_TABLES.length);
    g.newTableCursor++;
    const candidate = round === 0 ? base : `${TABLE_PREFIXES[(round - 1) % TABLE_PREFIXES.length]}_${base}`;
    if (!s.usedNames.has(candidate)) name = candidate;
  }
  if (!name) return false;
  s.usedNames.add(name);
  const join = rng.chance(0.12);
  const parents = [...s.tables.values()].filter(hasIdKey);
  const t: Table = { name, columns: [], createdIn: f.index, hasPk: !join, trigger: false, core: false };
  if (join) {
    const [a, b] = [rng.pick(parents), rng.pick(parents)];
    if (a.name === b.name) return false;
    t.columns.push({
      name: `${singular(a.name)}_id`,
      kind: 'ref',
      type: g.idType(a.name),
      notNull: true,
      references: a.name,
      deps: 0,
    });
    t.columns.push({
      name: `${singular(b.name)}_id`,
      kind: 'ref',
      type: g.idType(b.name),
      notNull: true,
      references: b.name,
      deps: 0,
    });
    t.columns.push({
      name: 'created_at',
      kind: 'timestamptz',
      type: 'timestamptz',
      notNull: true,
      default: 'now()',
      deps: 0,
    });
  } else {
    t.columns.push(
      idColumn(
        rng.weighted([
          ['identity', 7],
          ['bigserial', 3],
          ['serial', 1],
        ] as const),
      ),
    );
    s.usedNames.add(`${name}_pkey`);
    const refs = rng.int(1, 2);
    for (let i = 0; i < refs; i++) {
      const parent = rng.pick(parents);
      const cname = `${singular(parent.name)}_id`;
      if (t.columns.some((c) => c.name === cname)) continue;
      t.columns.push({
        name: cname,
        kind: 'ref',
        type: g.idType(parent.name),
        notNull: rng.chance(0.6),
        references: parent.name,
        deps: 0,
      });
    }
    const extra = rng.int(2, 8);
    for (let i = 0; i < extra; i++) {
      const kind = rng.pick([
        'text',
        'varchar',
        'numeric',
        'int',
        'bool',
        'timestamptz',
        'jsonb',
        'uuid',
        'text',
      ] as const);
      const cname = g.columnName(t, kind);
      if (!cname) continue;
      const c: Column = { name: cname, kind, type: g.typeFor(kind), notNull: rng.chance(0.3), deps: 0 };
      if (kind === 'bool') c.default = 'false';
      if (kind === 'jsonb' && rng.chance(0.5)) c.default = "'{}'::jsonb";
      if (kind === 'uuid' && rng.chance(0.5)) c.default = 'gen_random_uuid()';
      t.columns.push(c);
    }
    t.columns.push({
      name: 'created_at',
      kind: 'timestamptz',
      type: 'timestamptz',
      notNull: true,
      default: 'now()',
      deps: 0,
    });
    if (rng.chance(0.6)) {
      t.columns.push({
        name: 'updated_at',
        kind: 'timestamptz',
        type: 'timestamptz',
        notNull: false,
        default: 'now()',
        deps: 0,
      });
      t.trigger = rng.chance(0.6);
    }
  }
  s.tables.set(name, t);
  f.created.add(name);
  if (!f.focus.includes(name)) f.focus.unshift(name);
  for (const c of t.columns) {
    if (!c.references) continue;
    const cname = s.uniqueName(`${name}_${c.name}`, 'fkey');
    s.constraints.set(cname, {
      name: cname,
      table: name,
      kind: 'fk',
      columns: [c.name],
      sql: `FOREIGN KEY (${c.name}) REFERENCES ${c.references} (id)`,
      validated: true,
      refTable: c.references,
      addedIn: f.index,
    });
  }
  f.add({
    sql: createTableSql(t, s),
    tag: join ? 'create-table:no-primary-key' : 'create-table',
    table: name,
    comment: rng.chance(0.5) ? g.comment('create-table', name) : undefined,
    down: `DROP TABLE IF EXISTS ${name}`,
  });
  if (t.trigger) f.add({ sql: triggerSql(name), tag: 'create-trigger', table: name });
  // index the references of the new table (in the same transaction: the table is empty)
  for (const c of t.columns) {
    if (!c.references || !rng.chance(0.8)) continue;
    const iname = s.uniqueName(`${name}_${c.name}`, 'idx');
    const index: Index = { name: iname, table: name, keys: [{ column: c.name }], unique: false };
    s.indexes.set(iname, index);
    f.add({ sql: indexSql(index, false, false), tag: 'create-index:new-table', table: name });
  }
  return true;
};

function indexColumns(
  g: Generator,
  t: Table,
): { keys: IndexKey[]; tag: string; where?: Index['where'] } | undefined {
  const rng = g.rng;
  const indexable = t.columns.filter(
    (c) => !c.pk && c.kind !== 'jsonb' && c.kind !== 'bool' && !(c.generated && !c.generated.stored),
  );
  if (indexable.length === 0) return undefined;
  const style = rng.weighted([
    ['plain', 50],
    ['multi', 20],
    ['partial', 15],
    ['expression', 15],
  ] as const);
  const first = rng.pick(indexable);
  if (style === 'multi') {
    const second = rng.pick(indexable);
    if (second.name === first.name) return { keys: [{ column: first.name }], tag: 'plain' };
    return { keys: [{ column: first.name }, { column: second.name }], tag: 'multi' };
  }
  if (style === 'partial') {
    const pred = t.columns.find(
      (c) => c.kind === 'timestamptz' && /deleted_at|archived_at|cancelled_at/.test(c.name),
    );
    if (!pred || pred.name === first.name) return { keys: [{ column: first.name }], tag: 'plain' };
    return {
      keys: [{ column: first.name }],
      tag: 'partial',
      where: { column: pred.name, sql: `${pred.name} IS NULL` },
    };
  }
  if (style === 'expression') {
    const text = indexable.filter((c) => c.kind === 'text' || c.kind === 'varchar');
    if (text.length === 0) return { keys: [{ column: first.name }], tag: 'plain' };
    return { keys: [{ column: rng.pick(text).name, fn: 'lower' }], tag: 'expression' };
  }
  return { keys: [{ column: first.name }], tag: 'plain' };
}

function makeIndex(g: Generator, f: FileBuilder, concurrently: boolean, unique: boolean): boolean {
  const t = g.focusTable(f, concurrently);
  if (!t) return false;
  const s = g.schema;
  const rng = g.rng;
  let keys: IndexKey[];
  let where: Index['where'];
  let shape: string;
  if (unique) {
    const cols = t.columns.filter((c) => !c.pk && g.distinctValues(t, c, f) && c.kind !== 'ref');
    if (cols.length === 0) return false;
    const c = rng.pick(cols);
    keys = [{ column: c.name }];
    shape = 'unique';
  } else {
    const chosen = indexColumns(g, t);
    if (!chosen) return false;
    keys = chosen.keys;
    where = chosen.where;
    shape = chosen.tag;
  }
  const duplicate = [...s.indexes.values()].some(
    (i) =>
      i.table === t.name &&
      i.keys.map((k) => k.column + (k.fn ?? '')).join() === keys.map((k) => k.column + (k.fn ?? '')).join(),
  );
  if (duplicate) return false;
  const name = s.uniqueName(
    `${t.name}_${keys.map((k) => k.column).join('_')}${where ? '_active' : ''}`,
    unique ? 'uidx' : 'idx',
  );
  const index: Index = { name, table: t.name, keys, unique, where };
  s.indexes.set(name, index);
  for (const k of keys) if (k.fn) s.column(t.name, k.column)!.deps++;
  if (where) s.column(t.name, where.column)!.deps++;
  const isNew = f.isNew(t.name);
  const tag = concurrently
    ? `create-index:concurrently${unique ? ':unique' : ''}`
    : isNew
      ? 'create-index:new-table'
      : `create-index${unique ? ':unique' : shape === 'plain' ? '' : `:${shape}`}`;
  f.add({
    sql: indexSql(index, concurrently, concurrently && rng.chance(0.6)),
    tag,
    table: t.name,
    comment: rng.chance(0.35) ? g.comment('create-index') : undefined,
    down: `DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}IF EXISTS ${name}`,
  });
  if (concurrently && unique && rng.chance(0.7)) s.pendingUsingIndex.push(name);
  return true;
}

const opCreateIndex: Op = (g, f) => makeIndex(g, f, f.noTransaction, false);
const opCreateUniqueIndex: Op = (g, f) => makeIndex(g, f, f.noTransaction, true);

const opDropIndex: Op = (g, f) => {
  const s = g.schema;
  const candidates = [...s.indexes.values()].filter(
    (i) =>
      !i.constraint &&
      !s.pendingUsingIndex.includes(i.name) &&
      (f.focus.includes(i.table) || g.rng.chance(0.3)) &&
      !f.isNew(i.table),
  );
  if (candidates.length === 0) return false;
  const index = g.rng.pick(candidates);
  s.indexes.delete(index.name);
  for (const k of index.keys) if (k.fn) s.column(index.table, k.column)!.deps--;
  if (index.where) s.column(index.table, index.where.column)!.deps--;
  f.add({
    sql: `DROP INDEX ${f.noTransaction ? 'CONCURRENTLY ' : ''}${g.rng.chance(0.6) ? 'IF EXISTS ' : ''}${index.name}`,
    tag: f.noTransaction ? 'drop-index:concurrently' : 'drop-index',
    table: index.table,
    comment: g.rng.chance(0.3) ? g.comment('cleanup') : undefined,
    down: indexSql(index, f.noTransaction, true),
  });
  return true;
};

const opAddForeignKey: Op = (g, f) => {
  const s = g.schema;
  const rng = g.rng;
  const candidates: [Table, Column][] = [];
  for (const name of f.focus.length && rng.chance(0.6) ? f.focus : [...s.tables.keys()]) {
    const t = s.tables.get(name);
    if (!t) continue;
    for (const c of t.columns) if (c.refCandidate && s.tables.has(c.refCandidate)) candidates.push([t, c]);
  }
  if (candidates.length === 0) return false;
  const [t, c] = rng.pick(candidates);
  const notValid = f.isNew(t.name) ? rng.chance(0.1) : rng.chance(0.55);
  const name = s.uniqueName(`${t.name}_${c.name}`, 'fkey');
  const parent = c.refCandidate!;
  c.references = parent;
  c.refCandidate = undefined;
  s.constraints.set(name, {
    name,
    table: t.name,
    kind: 'fk',
    columns: [c.name],
    sql: `FOREIGN KEY (${c.name}) REFERENCES ${parent} (id)`,
    validated: !notValid,
    refTable: parent,
    addedIn: f.index,
  });
  if (notValid) f.notValidHere.add(name);
  const onDelete = rng.pick(['', '', ' ON DELETE CASCADE', ' ON DELETE SET NULL']);
  f.add({
    sql: `ALTER TABLE ${t.name} ADD CONSTRAINT ${name} FOREIGN KEY (${c.name}) REFERENCES ${parent} (id)${onDelete}${notValid ? ' NOT VALID' : ''}`,
    tag: notValid ? 'add-foreign-key:not-valid' : 'add-foreign-key',
    table: t.name,
    comment: rng.chance(0.3) ? g.comment('constraint') : undefined,
    down: `ALTER TABLE ${t.name} DROP CONSTRAINT IF EXISTS ${name}`,
  });
  return true;
};

function checkExpression(c: Column): string | undefined {
  switch (c.kind) {
    case 'numeric':
    case 'int':
    case 'bigint':
      return `${c.name} >= 0`;
    case 'text':
      return `char_length(${c.name}) <= 2000`;
    case 'varchar':
      return `${c.name} <> ''`;
    case 'timestamptz':
      return `${c.name} > '2000-01-01'`;
    default:
      return undefined;
  }
}

const opAddCheck: Op = (g, f) => {
  const t = g.focusTable(f);
  if (!t) return false;
  const s = g.schema;
  const rng = g.rng;
  const notNullStyle = rng.chance(0.3);
  const cols = t.columns.filter((c) =>
    notNullStyle
      ? !c.notNull && !c.generated && !f.unfilled.has(`${t.name}.${c.name}`) && !f.isNew(t.name)
      : !c.generated && checkExpression(c) !== undefined,
  );
  if (cols.length === 0) return false;
  const c = rng.pick(cols);
  const expr = notNullStyle ? `${c.name} IS NOT NULL` : checkExpression(c)!;
  if ([...s.constraints.values()].some((x) => x.table === t.name && x.sql === `CHECK (${expr})`))
    return false;
  const notValid = f.isNew(t.name) ? false : rng.chance(notNullStyle ? 0.85 : 0.5);
  // not `_not_null`: PostgreSQL 18 gives that name to the NOT NULL constraint of a column
  const name = s.uniqueName(`${t.name}_${c.name}`, notNullStyle ? 'null' : 'check');
  s.constraints.set(name, {
    name,
    table: t.name,
    kind: 'check',
    columns: [c.name],
    sql: `CHECK (${expr})`,
    validated: !notValid,
    notNullOf: notNullStyle ? c.name : undefined,
    addedIn: f.index,
  });
  c.deps++;
  if (notValid) f.notValidHere.add(name);
  f.add({
    sql: `ALTER TABLE ${t.name} ADD CONSTRAINT ${name} CHECK (${expr})${notValid ? ' NOT VALID' : ''}`,
    tag: `add-check${notNullStyle ? ':not-null' : ''}${notValid ? ':not-valid' : ''}`,
    table: t.name,
    comment: rng.chance(0.3) ? g.comment('constraint') : undefined,
    down: `ALTER TABLE ${t.name} DROP CONSTRAINT IF EXISTS ${name}`,
  });
  return true;
};

const opValidate: Op = (g, f) => {
  const s = g.schema;
  const pending = [...s.constraints.values()].filter((c) => !c.validated);
  if (pending.length === 0) return false;
  // mostly constraints from earlier migrations; now and then the one just added (in the same transaction)
  const here = pending.filter((c) => f.notValidHere.has(c.name));
  const earlier = pending.filter((c) => !f.notValidHere.has(c.name));
  const pool = here.length > 0 && (earlier.length === 0 || g.rng.chance(0.15)) ? here : earlier;
  if (pool.length === 0) return false;
  const con = g.rng.pick(pool);
  con.validated = true;
  f.add({
    sql: `ALTER TABLE ${con.table} VALIDATE CONSTRAINT ${con.name}`,
    tag: f.notValidHere.has(con.name) ? 'validate:same-migration' : 'validate',
    table: con.table,
  });
  return true;
};

const opAddUnique: Op = (g, f) => {
  const s = g.schema;
  const rng = g.rng;
  const usable = s.pendingUsingIndex.filter((n) => s.indexes.has(n) && !f.isNew(s.indexes.get(n)!.table));
  if (usable.length > 0 && rng.chance(0.6)) {
    const indexName = usable[0]!;
    s.pendingUsingIndex = s.pendingUsingIndex.filter((n) => n !== indexName);
    const index = s.indexes.get(indexName)!;
    const name = s.uniqueName(`${index.table}_${index.keys.map((k) => k.column).join('_')}`, 'key');
    s.indexes.delete(indexName);
    s.indexes.set(name, { ...index, name, constraint: name });
    s.constraints.set(name, {
      name,
      table: index.table,
      kind: 'unique',
      columns: index.keys.map((k) => k.column),
      sql: `UNIQUE (${index.keys.map((k) => k.column).join(', ')})`,
      validated: true,
      addedIn: f.index,
    });
    f.add({
      sql: `ALTER TABLE ${index.table} ADD CONSTRAINT ${name} UNIQUE USING INDEX ${indexName}`,
      tag: 'add-unique:using-index',
      table: index.table,
      down: `ALTER TABLE ${index.table} DROP CONSTRAINT IF EXISTS ${name}`,
    });
    return true;
  }
  const t = g.focusTable(f);
  if (!t) return false;
  const cols = t.columns.filter((c) => !c.pk && g.distinctValues(t, c, f) && c.kind !== 'ref');
  if (cols.length === 0) return false;
  const c = rng.pick(cols);
  if (
    [...s.indexes.values()].some(
      (i) => i.table === t.name && i.unique && i.keys.length === 1 && i.keys[0]!.column === c.name,
    )
  )
    return false;
  const name = s.uniqueName(`${t.name}_${c.name}`, 'key');
  s.indexes.set(name, { name, table: t.name, keys: [{ column: c.name }], unique: true, constraint: name });
  s.constraints.set(name, {
    name,
    table: t.name,
    kind: 'unique',
    columns: [c.name],
    sql: `UNIQUE (${c.name})`,
    validated: true,
    addedIn: f.index,
  });
  f.add({
    sql: `ALTER TABLE ${t.name} ADD CONSTRAINT ${name} UNIQUE (${c.name})`,
    tag: f.isNew(t.name) ? 'add-unique:new-table' : 'add-unique',
    table: t.name,
    comment: rng.chance(0.3) ? g.comment('constraint') : undefined,
    down: `ALTER TABLE ${t.name} DROP CONSTRAINT IF EXISTS ${name}`,
  });
  return true;
};

const opAddPrimaryKey: Op = (g, f) => {
  const s = g.schema;
  const tables = [...s.tables.values()].filter((t) => !t.hasPk && !f.isNew(t.name));
  if (tables.length === 0) return false;
  const t = g.rng.pick(tables);
  const refs = t.columns.filter((c) => c.kind === 'ref' && c.notNull).slice(0, 2);
  if (refs.length < 2) return false;
  const cols = refs.map((c) => c.name);
  const name = s.uniqueName(t.name, 'pkey');
  // the careful way: a unique index built CONCURRENTLY in an earlier migration, then USING INDEX
  const prepared = [...s.indexes.values()].find(
    (i) =>
      i.table === t.name && i.unique && !i.constraint && i.keys.map((k) => k.column).join() === cols.join(),
  );
  t.hasPk = true;
  for (const c of refs) c.pk = true;
  s.constraints.set(name, {
    name,
    table: t.name,
    kind: 'pk',
    columns: cols,
    sql: `PRIMARY KEY (${cols.join(', ')})`,
    validated: true,
    addedIn: f.index,
  });
  if (prepared) {
    s.indexes.delete(prepared.name);
    s.pendingUsingIndex = s.pendingUsingIndex.filter((n) => n !== prepared.name);
    s.indexes.set(name, { ...prepared, name, constraint: name });
    f.add({
      sql: `ALTER TABLE ${t.name} ADD CONSTRAINT ${name} PRIMARY KEY USING INDEX ${prepared.name}`,
      tag: 'add-primary-key:using-index',
      table: t.name,
    });
  } else {
    s.indexes.set(name, {
      name,
      table: t.name,
      keys: cols.map((column) => ({ column })),
      unique: true,
      constraint: name,
    });
    f.add({
      sql: `ALTER TABLE ${t.name} ADD PRIMARY KEY (${cols.join(', ')})`,
      tag: 'add-primary-key',
      table: t.name,
    });
  }
  return true;
};

/** The unique index a later migration turns into a primary key (join tables have none). */
const opPrepareKeyIndex: Op = (g, f) => {
  if (!f.noTransaction) return false;
  const s = g.schema;
  const tables = [...s.tables.values()].filter(
    (t) => !t.hasPk && ![...s.indexes.values()].some((i) => i.table === t.name && i.unique),
  );
  if (tables.length === 0) return false;
  const t = g.rng.pick(tables);
  const refs = t.columns.filter((c) => c.kind === 'ref' && c.notNull).slice(0, 2);
  if (refs.length < 2) return false;
  const name = s.uniqueName(`${t.name}_${refs.map((c) => c.name).join('_')}`, 'uidx');
  const index: Index = { name, table: t.name, keys: refs.map((c) => ({ column: c.name })), unique: true };
  s.indexes.set(name, index);
  f.add({ sql: indexSql(index, true, true), tag: 'create-index:concurrently:unique', table: t.name });
  return true;
};

const opSetNotNull: Op = (g, f) => {
  const s = g.schema;
  const rng = g.rng;
  // the careful way first: a validated CHECK (col IS NOT NULL) lets PostgreSQL 12+ skip the scan
  const checked = [...s.constraints.values()].filter(
    (c) =>
      c.notNullOf &&
      c.validated &&
      c.addedIn < f.index &&
      !f.isNew(c.table) &&
      !s.column(c.table, c.notNullOf)?.notNull,
  );
  if (checked.length > 0 && rng.chance(0.6)) {
    const con = rng.pick(checked);
    const c = s.column(con.table, con.notNullOf!)!;
    c.notNull = true;
    f.add({
      sql: `ALTER TABLE ${con.table} ALTER COLUMN ${c.name} SET NOT NULL`,
      tag: 'set-not-null:validated-check',
      table: con.table,
      down: `ALTER TABLE ${con.table} ALTER COLUMN ${c.name} DROP NOT NULL`,
    });
    if (rng.chance(0.8)) {
      s.constraints.delete(con.name);
      c.deps--;
      f.add({
        sql: `ALTER TABLE ${con.table} DROP CONSTRAINT ${con.name}`,
        tag: 'drop-constraint',
        table: con.table,
      });
    }
    return true;
  }
  const t = g.focusTable(f);
  if (!t) return false;
  const cols = t.columns.filter((c) => !c.notNull && !c.generated && !f.unfilled.has(`${t.name}.${c.name}`));
  if (cols.length === 0) return false;
  const c = rng.pick(cols);
  c.notNull = true;
  f.add({
    sql: `ALTER TABLE ${t.name} ALTER COLUMN ${c.name} SET NOT NULL`,
    tag: f.isNew(t.name) ? 'set-not-null:new-table' : 'set-not-null',
    table: t.name,
    comment: rng.chance(0.25) ? g.comment('constraint') : undefined,
    down: `ALTER TABLE ${t.name} ALTER COLUMN ${c.name} DROP NOT NULL`,
  });
  return true;
};

const opDropNotNull: Op = (g, f) => {
  const t = g.focusTable(f);
  if (!t) return false;
  const cols = t.columns.filter(
    (c) =>
      c.notNull &&
      !c.pk &&
      !c.identity &&
      !c.generated &&
      c.default !== 'serial' &&
      c.default !== 'bigserial' &&
      c.name !== 'created_at' &&
      !f.added.has(`${t.name}.${c.name}`),
  );
  if (cols.length === 0) return false;
  const c = g.rng.pick(cols);
  c.notNull = false;
  f.add({
    sql: `ALTER TABLE ${t.name} ALTER COLUMN ${c.name} DROP NOT NULL`,
    tag: 'drop-not-null',
    table: t.name,
  });
  return true;
};

const opAlterType: Op = (g, f) => {
  const rng = g.rng;
  const t = g.focusTable(f);
  if (!t) return false;
  const variant = rng.weighted([
    ['varchar-to-text', 25],
    ['varchar-widen', 20],
    ['numeric-precision', 12],
    ['numeric-scale', 6],
    ['int-to-bigint', 18],
    ['text-to-int', 8],
    ['serial-id-to-bigint', 4],
  ] as const);
  let c: Column | undefined;
  let to: string;
  let using = '';
  let kind: Kind | undefined;
  const free = g.freeColumns(t);
  switch (variant) {
    case 'varchar-to-text':
      c = rng.chance(0.9) ? free.find((x) => x.kind === 'varchar') : undefined;
      to = 'text';
      kind = 'text';
      break;
    case 'varchar-widen': {
      c = free.find((x) => x.kind === 'varchar' && varcharLength(x.type) > 0);
      to = c ? `varchar(${Math.min(varcharLength(c.type) * 2, 1000)})` : '';
      break;
    }
    case 'numeric-precision': {
      c = free.find((x) => x.kind === 'numeric' && /^numeric\(\d+,\d+\)$/.test(x.type));
      const m = c ? /numeric\((\d+),(\d+)\)/.exec(c.type)! : undefined;
      to = m ? (rng.chance(0.3) ? 'numeric' : `numeric(${Number(m[1]) + 4},${m[2]})`) : '';
      break;
    }
    case 'numeric-scale': {
      c = free.find((x) => x.kind === 'numeric' && /^numeric\(\d+,\d+\)$/.test(x.type));
      const m = c ? /numeric\((\d+),(\d+)\)/.exec(c.type)! : undefined;
      to = m ? `numeric(${Number(m[1]) + 2},${Number(m[2]) + 2})` : '';
      break;
    }
    case 'int-to-bigint':
      c = free.find((x) => x.type === 'integer' && !x.references);
      to = 'bigint';
      kind = 'bigint';
      break;
    case 'text-to-int':
      // a default ('' for instance) would have to be cast too: only columns without one
      c = free.find((x) => x.kind === 'text' && NUMBERISH_TEXT.has(x.name) && x.default === undefined);
      to = 'integer';
      kind = 'int';
      if (c) using = ` USING NULLIF(regexp_replace(${c.name}, '[^0-9]', '', 'g'), '')::integer`;
      break;
    case 'serial-id-to-bigint': {
      c = t.columns.find((x) => x.pk && x.type === 'integer' && x.name === 'id');
      to = 'bigint';
      break;
    }
  }
  if (!c || !to) return false;
  const from = c.type;
  if (from === to) return false;
  c.type = to;
  if (kind) c.kind = kind;
  const down =
    variant === 'text-to-int'
      ? `ALTER TABLE ${t.name} ALTER COLUMN ${c.name} TYPE text`
      : variant === 'varchar-to-text' || variant === 'varchar-widen'
        ? `ALTER TABLE ${t.name} ALTER COLUMN ${c.name} TYPE ${from}`
        : undefined;
  f.add({
    sql: `ALTER TABLE ${t.name} ALTER COLUMN ${c.name} ${rng.chance(0.2) ? 'SET DATA ' : ''}TYPE ${to}${using}`,
    tag: `alter-type:${variant}`,
    table: t.name,
    comment: rng.chance(0.35) ? g.comment('type') : undefined,
    down,
  });
  return true;
};

const opRenameColumn: Op = (g, f) => {
  const t = g.focusTable(f);
  if (!t) return false;
  const cols = g.freeColumns(
    t,
    (c) =>
      c.kind !== 'ref' && c.name !== 'created_at' && c.name !== 'updated_at' && !c.name.endsWith('_legacy'),
  );
  if (cols.length === 0) return false;
  const c = g.rng.pick(cols);
  const to = RENAMES[c.name] ?? `${c.name}_legacy`;
  if (t.columns.some((x) => x.name === to) || to.length > 60) return false;
  const from = c.name;
  g.renameColumnInSchema(t, from, to);
  f.add({
    sql: `ALTER TABLE ${t.name} RENAME COLUMN ${from} TO ${to}`,
    tag: f.isNew(t.name) ? 'rename-column:new-table' : 'rename-column',
    table: t.name,
    comment: g.rng.chance(0.4) ? g.comment('rename') : undefined,
    down: `ALTER TABLE ${t.name} RENAME COLUMN ${to} TO ${from}`,
  });
  return true;
};

const opRenameTable: Op = (g, f) => {
  const s = g.schema;
  const tables = [...s.tables.values()].filter(
    (t) => !t.core && !f.isNew(t.name) && !t.name.startsWith('legacy_'),
  );
  if (tables.length === 0) return false;
  const t = g.rng.pick(tables);
  const to = `legacy_${t.name}`.slice(0, 60);
  if (s.usedNames.has(to)) return false;
  s.usedNames.add(to);
  const from = t.name;
  g.renameTableInSchema(from, to);
  f.renamed.set(to, f.renamed.get(from) ?? from);
  f.focus = f.focus.map((n) => (n === from ? to : n));
  f.add({
    sql: `ALTER TABLE ${from} RENAME TO ${to}`,
    tag: 'rename-table',
    table: from,
    comment: g.rng.chance(0.5) ? g.comment('rename') : undefined,
    down: `ALTER TABLE ${to} RENAME TO ${from}`,
  });
  return true;
};

const opDropColumn: Op = (g, f) => {
  const s = g.schema;
  const t = g.focusTable(f, true);
  if (!t) return false;
  const cols = g.freeColumns(
    t,
    (c) => c.name !== 'created_at' && c.name !== 'id' && !f.added.has(`${t.name}.${c.name}`),
  );
  // columns of a composite index or a constraint of other tables are left alone
  const usable = cols.filter(
    (c) =>
      ![...s.constraints.values()].some(
        (k) => k.table === t.name && k.kind !== 'fk' && k.columns.includes(c.name),
      ),
  );
  if (usable.length === 0) return false;
  const prefer = usable.filter((c) => c.name.endsWith('_legacy') || c.name.endsWith('_old'));
  const c = g.rng.pick(prefer.length > 0 ? prefer : usable);
  g.dropColumnFromSchema(t, c.name);
  f.add({
    sql: `ALTER TABLE ${t.name} DROP COLUMN ${g.rng.chance(0.5) ? 'IF EXISTS ' : ''}${c.name}`,
    tag: 'drop-column',
    table: t.name,
    comment: g.rng.chance(0.5) ? g.comment('cleanup') : undefined,
    down: `ALTER TABLE ${t.name} ADD COLUMN ${c.name} ${c.type}`,
  });
  return true;
};

const opDropTable: Op = (g, f) => {
  const s = g.schema;
  const referenced = s.referenced();
  const tables = [...s.tables.values()].filter((t) => !t.core && !referenced.has(t.name) && !f.isNew(t.name));
  if (tables.length === 0) return false;
  const legacy = tables.filter((t) => t.name.startsWith('legacy_'));
  const t = g.rng.pick(legacy.length > 0 && g.rng.chance(0.7) ? legacy : tables);
  g.dropTableFromSchema(t.name);
  f.focus = f.focus.filter((n) => n !== t.name);
  f.add({
    sql: `DROP TABLE ${g.rng.chance(0.6) ? 'IF EXISTS ' : ''}${t.name}`,
    tag: 'drop-table',
    table: t.name,
    comment: g.rng.chance(0.5) ? g.comment('cleanup') : undefined,
    down: `-- irreversible: ${t.name} was dropped`,
  });
  return true;
};

const opUpdate: Op = (g, f) => {
  const rng = g.rng;
  const t = g.focusTable(f, true);
  if (!t) return false;
  const usable = (c: Column) =>
    !c.references && !c.refCandidate && c.kind !== 'enum' && !g.inUniqueIndex(t, c.name) && c.deps === 0;
  const unfilled = t.columns.filter(
    (c) => f.unfilled.has(`${t.name}.${c.name}`) && usable(c) && !c.generated,
  );
  const cols = unfilled.length > 0 ? unfilled : g.freeColumns(t, usable);
  if (cols.length === 0) return false;
  const c = rng.pick(cols);
  const value = valueFor(c.kind, t, rng);
  if (c.kind === 'varchar' && value.length - 2 > varcharLength(c.type) && varcharLength(c.type) > 0)
    return false;
  const style = rng.weighted([
    ['where-null', 45],
    ['where-range', 15],
    ['all', 25],
    ['where-other', 15],
  ] as const);
  let where = '';
  if (style === 'where-null') where = ` WHERE ${c.name} IS NULL`;
  else if (style === 'where-range' && t.columns.some((x) => x.name === 'id' && x.pk)) {
    const lo = rng.int(0, 50) * 100_000;
    where = ` WHERE id > ${lo} AND id <= ${lo + 100_000}`;
  } else if (style === 'where-other' && t.columns.some((x) => x.name === 'created_at')) {
    where = ` WHERE created_at < '${2019 + rng.int(0, 5)}-01-01'`;
  }
  if (where === '' || style === 'where-null') f.unfilled.delete(`${t.name}.${c.name}`);
  f.overwritten.add(`${t.name}.${c.name}`);
  f.add({
    sql: `UPDATE ${t.name} SET ${c.name} = ${value}${where}`,
    tag: where ? 'update:where' : 'update:all',
    table: t.name,
    comment: rng.chance(0.4) ? g.comment('backfill') : undefined,
  });
  return true;
};

const opDelete: Op = (g, f) => {
  const s = g.schema;
  const referenced = s.referenced();
  const tables = [...s.tables.values()].filter((t) => !referenced.has(t.name) && !f.isNew(t.name));
  if (tables.length === 0) return false;
  const focus = tables.filter((t) => f.focus.includes(t.name));
  const t = g.rng.pick(focus.length > 0 ? focus : tables);
  const ts = t.columns.find((c) => c.kind === 'timestamptz' && c.name !== 'updated_at');
  const all = !ts || g.rng.chance(0.15);
  f.add({
    sql: all
      ? `DELETE FROM ${t.name}`
      : `DELETE FROM ${t.name} WHERE ${ts!.name} < now() - interval '${g.rng.pick(['30 days', '90 days', '1 year', '2 years'])}'`,
    tag: all ? 'delete:all' : 'delete:where',
    table: t.name,
    comment: g.rng.chance(0.5) ? g.comment('backfill') : undefined,
  });
  return true;
};

const opDoBlock: Op = (g, f) => {
  const rng = g.rng;
  const t = g.focusTable(f, true);
  if (!t) return false;
  const s = g.schema;
  const style = rng.weighted([
    ['guarded-add-column', 35],
    ['index', 20],
    ['volatile-column', 15],
    ['constraint-exception', 20],
    ['batched-update', 10],
  ] as const);
  let body: string;
  let tag = `do-block:${style}`;
  switch (style) {
    case 'guarded-add-column': {
      const kind = rng.pick(['text', 'bool', 'timestamptz'] as const);
      const name = g.columnName(t, kind);
      if (!name) return false;
      const c: Column = { name, kind, type: g.typeFor(kind), notNull: false, deps: 0 };
      g.addColumnToSchema(t, c, f);
      body = `  IF NOT EXISTS (\n    SELECT 1 FROM information_schema.columns\n     WHERE table_name = '${t.name}' AND column_name = '${name}'\n  ) THEN\n    ALTER TABLE ${t.name} ADD COLUMN ${name} ${c.type};\n  END IF;`;
      break;
    }
    case 'index': {
      const chosen = indexColumns(g, t);
      if (!chosen) return false;
      const name = s.uniqueName(`${t.name}_${chosen.keys.map((k) => k.column).join('_')}`, 'idx');
      const index: Index = { name, table: t.name, keys: chosen.keys, unique: false, where: chosen.where };
      s.indexes.set(name, index);
      for (const k of index.keys) if (k.fn) s.column(t.name, k.column)!.deps++;
      if (index.where) s.column(t.name, index.where.column)!.deps++;
      body = `  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = '${name}') THEN\n    ${indexSql(index, false, false)};\n  END IF;`;
      break;
    }
    case 'volatile-column': {
      const name = g.columnName(t, 'uuid');
      if (!name) return false;
      const c: Column = {
        name,
        kind: 'uuid',
        type: 'uuid',
        notNull: false,
        default: 'gen_random_uuid()',
        deps: 0,
      };
      g.addColumnToSchema(t, c, f);
      body = `  ALTER TABLE ${t.name} ADD COLUMN ${name} uuid DEFAULT gen_random_uuid();`;
      break;
    }
    case 'constraint-exception': {
      const c = t.columns.find((x) => !x.generated && checkExpression(x) && !x.pk);
      if (!c) return false;
      const expr = checkExpression(c)!;
      if ([...s.constraints.values()].some((x) => x.table === t.name && x.sql === `CHECK (${expr})`))
        return false;
      const name = s.uniqueName(`${t.name}_${c.name}`, 'check');
      const notValid = rng.chance(0.5);
      s.constraints.set(name, {
        name,
        table: t.name,
        kind: 'check',
        columns: [c.name],
        sql: `CHECK (${expr})`,
        validated: !notValid,
        addedIn: f.index,
      });
      c.deps++;
      if (notValid) f.notValidHere.add(name);
      tag += notValid ? ':not-valid' : '';
      body = `  ALTER TABLE ${t.name} ADD CONSTRAINT ${name} CHECK (${expr})${notValid ? ' NOT VALID' : ''};\nEXCEPTION\n  WHEN duplicate_object THEN NULL;`;
      break;
    }
    case 'batched-update': {
      const c = t.columns.find((x) => x.kind === 'bool' && !x.generated && x.deps === 0);
      if (!c || !t.columns.some((x) => x.name === 'id' && x.pk)) return false;
      body = `  FOR batch IN 0..9 LOOP\n    UPDATE ${t.name} SET ${c.name} = false\n     WHERE id % 10 = batch AND ${c.name} IS NULL;\n  END LOOP;`;
      return addDo(f, t.name, tag, `DECLARE\n  batch integer;\nBEGIN\n${body}\nEND`);
    }
  }
  return addDo(f, t.name, tag, `BEGIN\n${body}\nEND`);
};

function addDo(f: FileBuilder, table: string, tag: string, block: string): boolean {
  f.add({ sql: `DO $$\n${block}\n$$`, tag, table });
  return true;
}

const opComment: Op = (g, f) => {
  const t = g.focusTable(f);
  if (!t) return false;
  const c = g.rng.pick(t.columns);
  f.add({
    sql: g.rng.chance(0.7)
      ? `COMMENT ON COLUMN ${t.name}.${c.name} IS '${g.rng.pick(['Set by the billing service', 'Deprecated: do not use', 'In the customer timezone', 'ISO 4217 code', 'Cached; source of truth is the ledger'])}'`
      : `COMMENT ON TABLE ${t.name} IS 'Owned by the ${g.rng.pick(['payments', 'catalog', 'growth', 'platform'])} team'`,
    tag: 'comment-on',
    table: t.name,
  });
  return true;
};

const opSetDefault: Op = (g, f) => {
  const t = g.focusTable(f);
  if (!t) return false;
  // not on a column with a UNIQUE index: one default for every new row is not what such a column holds
  const cols = g.freeColumns(
    t,
    (c) => ['bool', 'int', 'numeric', 'text', 'timestamptz'].includes(c.kind) && !g.inUniqueIndex(t, c.name),
  );
  if (cols.length === 0) return false;
  const c = g.rng.pick(cols);
  if (c.default !== undefined && g.rng.chance(0.4)) {
    c.default = undefined;
    f.add({
      sql: `ALTER TABLE ${t.name} ALTER COLUMN ${c.name} DROP DEFAULT`,
      tag: 'drop-default',
      table: t.name,
    });
    return true;
  }
  const def =
    c.kind === 'timestamptz' ? 'now()' : c.kind === 'bool' ? 'false' : c.kind === 'text' ? "''" : '0';
  c.default = def;
  f.add({
    sql: `ALTER TABLE ${t.name} ALTER COLUMN ${c.name} SET DEFAULT ${def}`,
    tag: 'set-default',
    table: t.name,
  });
  return true;
};

const opEnumValue: Op = (g, f) => {
  const labels = g.schema.enums.get('order_status')!;
  const next = ENUM_VALUES.find((v) => !labels.includes(v));
  if (!next) return false;
  labels.push(next);
  f.add({ sql: `ALTER TYPE order_status ADD VALUE IF NOT EXISTS '${next}'`, tag: 'enum-add-value' });
  return true;
};

type Theme =
  | 'columns'
  | 'new-table'
  | 'indexes'
  | 'constraints'
  | 'types'
  | 'cleanup'
  | 'rename'
  | 'backfill'
  | 'do-block'
  | 'misc';

const THEMES: Record<Theme, (noTransaction: boolean) => [Op, number][]> = {
  columns: () => [
    [opAddColumn, 60],
    [opCreateIndex, 8],
    [opComment, 6],
    [opSetDefault, 5],
    [opUpdate, 6],
    [opSetNotNull, 3],
    [opDropNotNull, 2],
    [opAddCheck, 3],
  ],
  'new-table': () => [
    [opCreateTable, 35],
    [opAddColumn, 25],
    [opCreateIndex, 15],
    [opAddUnique, 5],
    [opAddForeignKey, 8],
    [opComment, 5],
    [opSetNotNull, 3],
  ],
  indexes: (noTransaction) =>
    noTransaction
      ? [
          [opCreateIndex, 55],
          [opCreateUniqueIndex, 15],
          [opDropIndex, 20],
          [opPrepareKeyIndex, 10],
        ]
      : [
          [opCreateIndex, 60],
          [opCreateUniqueIndex, 10],
          [opDropIndex, 20],
          [opAddUnique, 10],
        ],
  constraints: () => [
    [opAddForeignKey, 22],
    [opAddCheck, 22],
    [opValidate, 22],
    [opAddUnique, 12],
    [opSetNotNull, 12],
    [opAddPrimaryKey, 5],
    [opAddColumn, 5],
  ],
  types: () => [
    [opAlterType, 70],
    [opAddColumn, 15],
    [opUpdate, 10],
    [opComment, 5],
  ],
  cleanup: () => [
    [opDropColumn, 40],
    [opDropIndex, 20],
    [opDropTable, 12],
    [opDropNotNull, 6],
    [opSetDefault, 6],
    [opDelete, 10],
  ],
  rename: () => [
    [opRenameColumn, 60],
    [opRenameTable, 20],
    [opComment, 20],
  ],
  backfill: () => [
    [opUpdate, 45],
    [opAddColumn, 20],
    [opDelete, 15],
    [opSetNotNull, 15],
    [opValidate, 5],
  ],
  'do-block': () => [
    [opDoBlock, 60],
    [opAddColumn, 25],
    [opUpdate, 15],
  ],
  misc: () => [
    [opEnumValue, 15],
    [opComment, 25],
    [opSetDefault, 20],
    [opAddColumn, 25],
    [opValidate, 15],
  ],
};

/** A table others can refer to with `REFERENCES t (id)`. */
function hasIdKey(t: Table): boolean {
  return t.columns.some((c) => c.pk && c.name === 'id');
}

function freeName(t: Table, names: readonly string[]): string | undefined {
  return names.find((n) => !t.columns.some((c) => c.name === n));
}

function singular(table: string): string {
  if (table.endsWith('ies')) return `${table.slice(0, -3)}y`;
  if (/(sses|ches|shes|xes)$/.test(table)) return table.slice(0, -2);
  if (table.endsWith('s')) return table.slice(0, -1);
  return table;
}

// ---------------------------------------------------------------------------------------------------------------
// Syntax errors: the mistakes people make before running a migration once

/**
 * A typo in a statement that changes no schema (a backfill, a cleanup, a comment): the rest of the migration still
 * means what it meant, so the schema the generator keeps and the one a linter rebuilds stay the same whether or
 * not the linter reads past the broken statement.
 */
function breakStatement(sql: string, rng: Random): string | undefined {
  const typos: ((s: string) => string | undefined)[] = [
    (s) => (s.startsWith('UPDATE') ? s.replace(' SET ', ' SET SET ') : undefined),
    (s) => (s.startsWith('UPDATE') ? s.replace(/ = /, ' ') : undefined),
    (s) => (s.startsWith('DELETE FROM') ? s.replace('DELETE FROM', 'DELETE FORM') : undefined),
    (s) =>
      s.startsWith('DELETE FROM') && s.includes(' WHERE ')
        ? s.replace(' WHERE ', ' WHERE WHERE ')
        : undefined,
    (s) => (s.startsWith('COMMENT ON') ? s.replace(' IS ', ' ') : undefined),
    (s) => (s.startsWith('COMMENT ON') ? s.replace("'", '"') : undefined),
  ];
  const start = rng.int(0, typos.length - 1);
  for (let i = 0; i < typos.length; i++) {
    const broken = typos[(start + i) % typos.length]!(sql);
    if (broken && broken !== sql) return broken;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing files

function version(index: number, rng: Random, previous: Date): Date {
  const next = new Date(previous.getTime() + rng.int(1, 36) * 3_600_000 + rng.int(0, 3599) * 1000);
  return index === 0 ? previous : next;
}

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

function migrationName(theme: string, f: FileBuilder): string {
  const first = f.up.find((s) => s.table);
  const table = first?.table ?? 'schema';
  const verb: Record<string, string> = {
    columns: 'add_columns_to',
    'new-table': 'create',
    indexes: 'index',
    constraints: 'constrain',
    types: 'change_types_in',
    cleanup: 'clean_up',
    rename: 'rename_in',
    backfill: 'backfill',
    'do-block': 'patch',
    misc: 'update',
  };
  return `${verb[theme] ?? 'change'}_${table}`.slice(0, 60);
}

interface Rendered {
  text: string;
  statements: CorpusStatement[];
  upLine: number;
  downLine: number | null;
  lines: number;
}

function render(
  f: FileBuilder,
  header: string | undefined,
  existingBefore: ReadonlySet<string>,
  withDown: boolean,
): Rendered {
  const lines: string[] = ['-- migrate:up'];
  if (f.noTransaction) lines.push('-- pgwarden:no-transaction');
  if (header) lines.push(`-- ${header}`);
  const statements: CorpusStatement[] = [];
  let previousWasSet = false;
  for (const stmt of f.up) {
    const isSet = stmt.tag.startsWith('set:');
    if (!isSet && (previousWasSet || stmt.comment || stmt.sql.includes('\n'))) lines.push('');
    previousWasSet = isSet;
    if (stmt.comment) lines.push(`-- ${stmt.comment}`);
    const start = lines.length + 1;
    const body = `${stmt.sql};`.split('\n');
    lines.push(...body);
    statements.push({
      line: start,
      endLine: lines.length,
      tag: stmt.tag,
      ...(stmt.table
        ? { table: stmt.table, existing: existingBefore.has(f.renamed.get(stmt.table) ?? stmt.table) }
        : {}),
    });
  }
  lines.push('');
  let downLine: number | null = null;
  if (withDown) {
    lines.push('-- migrate:down');
    downLine = lines.length;
    for (const d of f.down) lines.push(d.startsWith('--') ? d : `${d};`);
    lines.push('');
  }
  return { text: lines.join('\n'), statements, upLine: 1, downLine, lines: lines.length };
}

/** The base schema as one migration, each statement on its own. */
function renderBase(stmts: Stmt[]): Rendered {
  const f = new FileBuilder(0, false);
  for (const s of stmts) f.up.push(s);
  return render(f, 'base schema', new Set(), true);
}

/**
 * The tables a migration needs to run: the ones its text names (or whose index or constraint it names) and the
 * tables those constraints refer to; with the tables that refer to them when it changes the type of an id. The
 * foreign keys of the base are only the ones between these tables.
 */
function neededTables(s: Schema, text: string): Set<string> {
  const words = new Set(text.match(/\b[a-z_][a-z0-9_]*\b/g) ?? []);
  const needed = new Set<string>();
  for (const name of s.tables.keys()) if (words.has(name)) needed.add(name);
  for (const index of s.indexes.values()) if (words.has(index.name)) needed.add(index.table);
  for (const con of s.constraints.values()) {
    if (!words.has(con.name)) continue;
    needed.add(con.table);
    if (con.refTable) needed.add(con.refTable);
  }
  if (/ALTER COLUMN id (SET DATA )?TYPE/.test(text)) {
    const named = [...needed];
    for (const con of s.constraints.values()) {
      if (con.kind === 'fk' && con.refTable && named.includes(con.refTable)) needed.add(con.table);
    }
  }
  return needed;
}

/**
 * The schema as it stands, as SQL: a base migration for tracing one later migration on its own. Only the tables
 * that migration needs (see neededTables), so that the trace does not spend its time on the rest.
 */
function schemaSql(s: Schema, forText: string): string {
  const needed = neededTables(s, forText);
  const out: string[] = [];
  for (const [name, labels] of s.enums)
    out.push(`CREATE TYPE ${name} AS ENUM (${labels.map((l) => `'${l}'`).join(', ')});`);
  out.push(`${SET_UPDATED_AT_FUNCTION};`);
  const tables = [...s.tables.values()]
    .filter((t) => needed.has(t.name))
    .sort((a, b) => a.createdIn - b.createdIn);
  for (const t of tables) {
    const cols = t.columns.map((c) => {
      return `  ${columnSql({ ...c, references: undefined, pk: false })}`;
    });
    out.push(`CREATE TABLE ${t.name} (\n${cols.join(',\n')}\n);`);
    if (t.trigger) out.push(`${triggerSql(t.name)};`);
  }
  // primary keys of the id columns, then unique constraints and indexes, then what refers to them
  for (const t of tables) {
    if (t.columns.some((c) => c.pk && c.name === 'id')) {
      out.push(`ALTER TABLE ${t.name} ADD CONSTRAINT ${t.name}_pkey PRIMARY KEY (id);`);
    }
  }
  for (const index of s.indexes.values()) {
    if (!needed.has(index.table)) continue;
    if (index.constraint) {
      const con = s.constraints.get(index.constraint);
      const kind = con?.kind === 'pk' ? 'PRIMARY KEY' : 'UNIQUE';
      out.push(
        `ALTER TABLE ${index.table} ADD CONSTRAINT ${index.name} ${kind} (${index.keys.map((k) => k.column).join(', ')});`,
      );
    } else {
      out.push(`${indexSql(index, false, false)};`);
    }
  }
  for (const con of s.constraints.values()) {
    if (con.kind === 'unique' || con.kind === 'pk' || !needed.has(con.table)) continue;
    if (con.kind === 'fk' && !needed.has(con.refTable!)) continue;
    // a foreign key is written from its parts: its SQL names the parent as it was called then
    const body =
      con.kind === 'fk' ? `FOREIGN KEY (${con.columns.join(', ')}) REFERENCES ${con.refTable} (id)` : con.sql;
    out.push(
      `ALTER TABLE ${con.table} ADD CONSTRAINT ${con.name} ${body}${con.validated ? '' : ' NOT VALID'};`,
    );
  }
  return out.join('\n');
}

export interface CorpusOptions {
  readonly seed: number;
  readonly files: number;
  /** Every how many migrations one has a syntax error (0: none). */
  readonly syntaxErrorEvery?: number;
}

/**
 * Generates the corpus in memory. `baseBefore` collects, for the given migration indexes, the schema as it stood
 * just before each (as a base migration), for tracing that migration on its own.
 */
export function generateCorpus(
  options: CorpusOptions,
  baseBefore: ReadonlySet<number> = new Set(),
): { corpus: Corpus; bases: Map<number, string> } {
  const g = new Generator(options.seed);
  const rng = g.rng;
  const texts = new Map<string, string>();
  const files: CorpusFile[] = [];
  const bases = new Map<number, string>();
  const tags: Record<string, number> = {};
  let statements = 0;
  let bytes = 0;
  let when = new Date(Date.UTC(2021, 0, 4, 9, 12, 0));
  const syntaxEvery = options.syntaxErrorEvery ?? 250;
  let pendingBreak = false;

  // the first migration runs on an empty database
  if (baseBefore.has(0)) bases.set(0, '');
  const base = renderBase(g.baseMigration());
  const baseName = `${stamp(when)}_base_schema.sql`;
  texts.set(baseName, base.text);
  files.push({
    index: 0,
    name: baseName,
    theme: 'base',
    upLine: base.upLine,
    downLine: base.downLine,
    noTransaction: false,
    syntaxError: false,
    statements: base.statements,
    lines: base.lines,
  });
  bytes += Buffer.byteLength(base.text);

  for (let index = 1; index < options.files; index++) {
    const snapshot = baseBefore.has(index) ? g.schema.clone() : undefined;
    const breakIt = syntaxEvery > 0 && (index % syntaxEvery === Math.floor(syntaxEvery / 2) || pendingBreak);
    const existingBefore = new Set(g.schema.tables.keys());
    const { file: f, theme } = g.migration(index);
    let syntaxError = false;
    if (breakIt) {
      const candidates = f.up.filter((s) => /^(update|delete|comment-on)/.test(s.tag));
      for (const s of candidates.slice(Math.floor(candidates.length / 2))) {
        const broken = breakStatement(s.sql, rng);
        if (broken) {
          s.sql = broken;
          s.tag = `syntax-error:${s.tag}`;
          syntaxError = true;
          break;
        }
      }
      // no statement of that kind here: the next migration gets the typo
      pendingBreak = !syntaxError;
    }
    when = version(index, rng, when);
    const name = `${stamp(when)}_${migrationName(theme, f)}.sql`;
    const header = rng.chance(0.2) ? `${rng.pick(['PAY', 'ENG', 'OPS', 'CAT'])}-${g.ticketNo()}` : undefined;
    const rendered = render(f, header, existingBefore, rng.chance(0.85));
    texts.set(name, rendered.text);
    if (snapshot) bases.set(index, schemaSql(snapshot, rendered.text));
    for (const st of rendered.statements) tags[st.tag] = (tags[st.tag] ?? 0) + 1;
    statements += rendered.statements.length;
    bytes += Buffer.byteLength(rendered.text);
    files.push({
      index,
      name,
      theme,
      upLine: rendered.upLine,
      downLine: rendered.downLine,
      noTransaction: f.noTransaction,
      syntaxError,
      statements: rendered.statements,
      lines: rendered.lines,
    });
  }
  return {
    corpus: { seed: options.seed, files, texts, tags, statements, bytes, tablesAtEnd: g.schema.tables.size },
    bases,
  };
}

/** How every pgwarden run of the lint benches lints a folder or file (after `node <cli>`): JSON, for PostgreSQL 18. */
export const LINT_ARGS = (path: string): string[] => [
  'lint',
  path,
  '--format',
  'json',
  '--pg-version',
  '18',
  '--fail-on',
  'none',
];
