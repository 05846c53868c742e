import rule from '../../../src/rules/schema/missing-foreign-key.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'references with their foreign key',
      setup: `CREATE TABLE customers (id bigint PRIMARY KEY);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));`,
    },
    {
      name: 'a polymorphic pair (Rails, PaperTrail): item_type says which table item_id is in',
      setup: `CREATE TABLE items (id bigint PRIMARY KEY);
        CREATE TABLE versions (id bigint PRIMARY KEY, item_type text NOT NULL, item_id bigint NOT NULL);
        CREATE TABLE comments (id bigint PRIMARY KEY, "itemType" text, "itemId" bigint);`,
    },
    {
      name: 'another type than the key: a Stripe customer id beside customers (bigint)',
      setup: `CREATE TABLE customers (id bigint PRIMARY KEY);
        CREATE TABLE users (id bigint PRIMARY KEY, customer_id text);`,
    },
    {
      name: 'ids of other systems match no table or lead back to their own; a table keyed by its own {table}_id',
      setup: `CREATE TABLE accounts (account_id bigint PRIMARY KEY, stripe_id text, external_id text, github_id bigint,
          provider_account_id bigint);`,
    },
    {
      name: 'a multi-column foreign key covers its columns',
      setup: `CREATE TABLE tenants (id bigint PRIMARY KEY);
        CREATE TABLE projects (tenant_id bigint REFERENCES tenants (id), id bigint, PRIMARY KEY (tenant_id, id));
        CREATE TABLE tasks (id bigint PRIMARY KEY, tenant_id bigint REFERENCES tenants (id), project_id bigint,
          FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id));`,
    },
  ],
  invalid: [
    {
      name: 'snake_case: singular and plural tables, a role prefix, a unique uuid key',
      setup: `CREATE TABLE coupons (id bigint PRIMARY KEY);
        CREATE TABLE addresses (id integer PRIMARY KEY);
        CREATE TABLE person (id bigint PRIMARY KEY, public_id uuid UNIQUE);
        CREATE TABLE orders (id bigint PRIMARY KEY, coupon_id bigint, shipping_address_id integer, person_uuid uuid);
        INSERT INTO coupons VALUES (1); INSERT INTO addresses VALUES (7);
        INSERT INTO orders VALUES (1, 1, 7, NULL), (2, NULL, NULL, NULL);`,
      findings: [
        {
          object: 'public.orders.coupon_id',
          severity: 'warning',
          message:
            'public.orders.coupon_id looks like a reference to public.coupons (id), of the same type (bigint), but no foreign key says so: nothing stops it from pointing at a row that does not exist',
          fix: [
            '-- orphans make VALIDATE fail; find them first: SELECT coupon_id FROM public.orders x WHERE coupon_id IS NOT NULL AND NOT EXISTS (SELECT FROM public.coupons y WHERE y.id = x.coupon_id);',
            'ALTER TABLE public.orders ADD CONSTRAINT orders_coupon_id_fkey FOREIGN KEY (coupon_id) REFERENCES public.coupons (id) NOT VALID;',
            'ALTER TABLE public.orders VALIDATE CONSTRAINT orders_coupon_id_fkey;',
          ].join('\n'),
        },
        {
          object: 'public.orders.shipping_address_id',
          message: /reference to public.addresses \(id\), of the same type \(integer\)/,
        },
        { object: 'public.orders.person_uuid', message: /reference to public.person \(public_id\)/ },
      ],
    },
    {
      name: 'Prisma: PascalCase tables, camelCase columns, quoted exactly as PostgreSQL needs',
      setup: `CREATE TABLE "Coupon" ("id" SERIAL PRIMARY KEY);
        CREATE TABLE "OrderItem" ("id" TEXT PRIMARY KEY);
        CREATE TABLE "Order" ("id" SERIAL NOT NULL, "couponId" INTEGER, "orderItemId" TEXT, CONSTRAINT "Order_pkey" PRIMARY KEY ("id"));
        INSERT INTO "Coupon" VALUES (1); INSERT INTO "Order" VALUES (1, 1, NULL);`,
      findings: [
        {
          object: 'public.Order.couponId',
          fix: [
            '-- orphans make VALIDATE fail; find them first: SELECT "couponId" FROM public."Order" x WHERE "couponId" IS NOT NULL AND NOT EXISTS (SELECT FROM public."Coupon" y WHERE y.id = x."couponId");',
            'ALTER TABLE public."Order" ADD CONSTRAINT "Order_couponId_fkey" FOREIGN KEY ("couponId") REFERENCES public."Coupon" (id) NOT VALID;',
            'ALTER TABLE public."Order" VALIDATE CONSTRAINT "Order_couponId_fkey";',
          ].join('\n'),
        },
        { object: 'public.Order.orderItemId', message: /reference to public.OrderItem \(id\)/ },
      ],
    },
    {
      name: 'a partitioned table before PostgreSQL 18: one ADD that checks every row',
      pgVersion: 17,
      setup: `CREATE TABLE devices (id bigint PRIMARY KEY);
        CREATE TABLE readings (device_id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE readings_2025 PARTITION OF readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');`,
      findings: [
        {
          object: 'public.readings.device_id',
          fix: /no NOT VALID foreign key: this ADD checks every row\nALTER TABLE public.readings ADD CONSTRAINT readings_device_id_fkey FOREIGN KEY \(device_id\) REFERENCES public.devices \(id\);$/,
        },
      ],
    },
  ],
});
