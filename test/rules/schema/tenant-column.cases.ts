import rule from '../../../src/rules/schema/tenant-column.js';
import { defineCases } from '../../helpers/rule-tester.js';

const tenants = 'CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);';

export default defineCases(rule, {
  valid: [
    {
      name: 'NOT NULL and a foreign key to the tenants table; tables without it in auto mode',
      setup: `${tenants}
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE);
        CREATE TABLE countries (code text PRIMARY KEY);`,
    },
    {
      name: 'mode all: global tables and the tenants table are exempt',
      schemaConfig: { tenancy: { mode: 'all', globalTables: ['countries', 'public.currency_*'] } },
      setup: `${tenants}
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE);
        CREATE TABLE countries (code text PRIMARY KEY);
        CREATE TABLE currency_rates (code text PRIMARY KEY);`,
    },
    {
      name: 'mode off',
      schemaConfig: { tenancy: { mode: 'off' } },
      setup: `${tenants} CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid);`,
    },
    {
      name: 'tenants kept elsewhere (no tenants table): NOT NULL is all that can be asked',
      setup: 'CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);',
    },
    {
      name: 'another column name by config',
      schemaConfig: { tenancy: { column: 'org_id' } },
      setup: `CREATE TABLE orgs (id bigint PRIMARY KEY);
        CREATE TABLE invoices (id bigint PRIMARY KEY, org_id bigint NOT NULL REFERENCES orgs ON DELETE CASCADE, tenant_id bigint);`,
    },
  ],
  invalid: [
    {
      name: 'a nullable tenant column (no NULLs yet): error, the NOT NULL recipe',
      setup: `${tenants}
        INSERT INTO tenants (name) VALUES ('a');
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE);
        INSERT INTO invoices SELECT g, (SELECT id FROM tenants) FROM generate_series(1, 20) g;`,
      findings: [
        {
          object: 'public.invoices.tenant_id',
          severity: 'error',
          message:
            'public.invoices.tenant_id is nullable: a row without a tenant belongs to nobody, or to everybody',
          fix: [
            'ALTER TABLE public.invoices ADD CONSTRAINT chk_invoices_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;',
            'ALTER TABLE public.invoices VALIDATE CONSTRAINT chk_invoices_tenant_id_not_null;',
            'ALTER TABLE public.invoices ALTER COLUMN tenant_id SET NOT NULL;',
            'ALTER TABLE public.invoices DROP CONSTRAINT chk_invoices_tenant_id_not_null;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'rows without a tenant: the recipe waits for the backfill',
      setup: `${tenants}
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid REFERENCES tenants (id) ON DELETE CASCADE);
        INSERT INTO invoices SELECT g, NULL FROM generate_series(1, 20) g;`,
      fixResolves: false,
      findings: [
        {
          message:
            'public.invoices.tenant_id is nullable, and ~100% of the rows have no tenant: a row without a tenant belongs to nobody, or to everybody',
          fix: /^-- give every row its tenant first: SELECT \* FROM public.invoices WHERE tenant_id IS NULL;\n/,
        },
      ],
    },
    {
      name: 'no foreign key to the tenants table the other tables reference',
      setup: `${tenants}
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE);
        CREATE TABLE payments (id bigint PRIMARY KEY, tenant_id uuid NOT NULL);
        INSERT INTO tenants (name) VALUES ('a');
        INSERT INTO payments SELECT g, (SELECT id FROM tenants) FROM generate_series(1, 20) g;`,
      findings: [
        {
          object: 'public.payments.tenant_id',
          severity: 'warning',
          message:
            'public.payments.tenant_id is not a foreign key to public.tenants: rows can name tenants that do not exist',
          fix: [
            '-- ON DELETE RESTRICT refuses to delete a tenant that has rows here; CASCADE deletes them with it',
            'ALTER TABLE public.payments ADD CONSTRAINT payments_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE RESTRICT NOT VALID;',
            'ALTER TABLE public.payments VALIDATE CONSTRAINT payments_tenant_id_fkey;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'the tenants table found by its name; a column of another type cannot reference it',
      setup: `${tenants} CREATE TABLE payments (id bigint PRIMARY KEY, tenant_id bigint NOT NULL);`,
      findings: [
        {
          message:
            'public.payments.tenant_id is not a foreign key to public.tenants (and it is bigint while public.tenants.id is uuid): rows can name tenants that do not exist',
          fix: null,
        },
      ],
    },
    {
      name: 'mode all: a table without the column (empty: the whole recipe runs)',
      schemaConfig: { tenancy: { mode: 'all', globalTables: ['countries'] } },
      source: 'shadow',
      setup: `${tenants}
        CREATE TABLE invoices (id bigint PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE);
        CREATE TABLE countries (code text PRIMARY KEY);
        CREATE TABLE notes (id bigint PRIMARY KEY, body text);`,
      findings: [
        {
          object: 'public.notes',
          message:
            'public.notes has no tenant_id column (tenancy mode "all"): its rows belong to no tenant; add the column, or list the table in schema.tenancy.globalTables',
          fix: [
            'ALTER TABLE public.notes ADD COLUMN tenant_id uuid;',
            'ALTER TABLE public.notes ADD CONSTRAINT notes_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants (id) ON DELETE RESTRICT NOT VALID;',
            'ALTER TABLE public.notes VALIDATE CONSTRAINT notes_tenant_id_fkey;',
            '-- backfill every row with its tenant (UPDATE public.notes SET tenant_id = … in batches), then:',
            'ALTER TABLE public.notes ADD CONSTRAINT chk_notes_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;',
            'ALTER TABLE public.notes VALIDATE CONSTRAINT chk_notes_tenant_id_not_null;',
            'ALTER TABLE public.notes ALTER COLUMN tenant_id SET NOT NULL;',
            'ALTER TABLE public.notes DROP CONSTRAINT chk_notes_tenant_id_not_null;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'mode all with rows: the backfill comes first',
      schemaConfig: { tenancy: { mode: 'all' } },
      setup: `${tenants}
        CREATE TABLE notes (id bigint PRIMARY KEY, body text);
        INSERT INTO notes SELECT g, 'x' FROM generate_series(1, 5) g;`,
      fixResolves: false,
      findings: [{ object: 'public.notes' }],
    },
  ],
});
