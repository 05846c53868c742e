import rule from '../../../src/rules/schema/name-length-limit.js';
import { defineCases } from '../../helpers/rule-tester.js';

// 63 bytes once PostgreSQL has cut them
const longTable = 'customer_subscription_renewal_reminder_notification_deliveries_x'; // 65 bytes
const longColumn = 'previous_subscription_renewal_reminder_notification_delivery_idx'; // 64 bytes

export default defineCases(rule, {
  valid: [
    {
      name: 'names of 62 bytes or fewer',
      setup: `CREATE TABLE ${'a'.repeat(50)} (id bigint PRIMARY KEY, ${'b'.repeat(62)} int);`,
    },
    {
      name: 'names cut on purpose, ending in a hash',
      setup: `CREATE TABLE renewals (id bigint PRIMARY KEY, x int);
        CREATE INDEX idx_customer_subscription_renewals_previous_subscripti_856f9b5a ON renewals (x);`,
    },
    {
      name: 'a multi-byte name below 63 bytes',
      setup: `CREATE TABLE notes (id bigint PRIMARY KEY, "${'é'.repeat(31)}" int);`,
    },
  ],
  invalid: [
    {
      name: 'a table, its column and its primary key cut by PostgreSQL: no fix for the table and the column',
      setup: `CREATE TABLE ${longTable} (id bigint PRIMARY KEY, ${longColumn} int);`,
      findings: [
        {
          object: `public.${longTable.slice(0, 63)}.${longColumn.slice(0, 63)}`,
          severity: 'warning',
          message:
            /^column .* is 63 bytes long, the most PostgreSQL keeps: a longer name was probably cut short/,
          fix: null,
        },
        {
          object: `public.${longTable.slice(0, 63)}.${longTable.slice(0, 58)}_pkey`,
          message: /^primary key constraint .* is 63 bytes long/,
          fix: `ALTER TABLE public.${longTable.slice(0, 63)} RENAME CONSTRAINT ${longTable.slice(0, 58)}_pkey TO ${longTable.slice(0, 57)}_pkey;  -- then use this name in the migrations that mention the old one`,
        },
        { object: `public.${longTable.slice(0, 63)}`, fix: null },
      ],
    },
    {
      name: 'generated constraint and index names cut short: renamed to 62 bytes, keeping the ending',
      setup: `CREATE TABLE subscription_renewals (id bigint PRIMARY KEY,
          previous_subscription_renewal_reminder_notification_id bigint REFERENCES subscription_renewals,
          notification_delivery_attempt_number_for_the_reminder int UNIQUE);
        CREATE INDEX ON subscription_renewals (previous_subscription_renewal_reminder_notification_id);`,
      findings: [
        {
          object:
            'public.subscription_renewals.subscription_renewals_notification_delivery_attempt_number__key',
          fix: 'ALTER TABLE public.subscription_renewals RENAME CONSTRAINT subscription_renewals_notification_delivery_attempt_number__key TO subscription_renewals_notification_delivery_attempt_number_key;  -- then use this name in the migrations that mention the old one',
        },
        {
          object:
            'public.subscription_renewals.subscription_renewals_previous_subscription_renewal_remind_fkey',
          fix: /RENAME CONSTRAINT subscription_renewals_previous_subscription_renewal_remind_fkey TO subscription_renewals_previous_subscription_renewal_remin_fkey;/,
        },
        {
          object: 'public.subscription_renewals_previous_subscription_renewal_reminde_idx',
          fix: /^ALTER INDEX public.subscription_renewals_previous_subscription_renewal_reminde_idx RENAME TO subscription_renewals_previous_subscription_renewal_remind_idx;/,
        },
      ],
    },
    {
      name: 'a multi-byte name of 63 bytes',
      setup: `CREATE TABLE notes (id bigint PRIMARY KEY, "a${'é'.repeat(31)}" int);`,
      findings: [{ object: `public.notes.a${'é'.repeat(31)}`, message: /is 63 bytes long/, fix: null }],
    },
  ],
});
