import rule from '../../../src/rules/schema/varchar-length.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'text, varchar without a length, and lengths that mean something',
      setup:
        'CREATE TABLE users (id bigint PRIMARY KEY, email text, code varchar(2), nick varchar(30), note varchar);',
    },
    {
      name: 'a length taken out of the option',
      options: { lengths: [4000] },
      setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255));',
    },
  ],
  invalid: [
    {
      name: 'varchar(255) on a live table with an index (no rewrite)',
      setup: `CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL UNIQUE);
        INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 500) g;`,
      findings: [
        {
          object: 'public.users.email',
          severity: 'info',
          message:
            'public.users.email is varchar(255): a habitual length, not a rule of the data; text stores the same and a CHECK states a real limit',
          fix: [
            '-- no rewrite: varchar to text is binary coercible',
            'ALTER TABLE public.users ALTER COLUMN email TYPE text;',
            '-- if 255 is a real limit: ALTER TABLE public.users ADD CONSTRAINT chk_users_email CHECK (char_length(email) <= 255) NOT VALID;',
            '-- then: ALTER TABLE public.users VALIDATE CONSTRAINT chk_users_email;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'arrays, other habitual lengths, names that need quotes (shadow)',
      source: 'shadow',
      setup:
        'CREATE TABLE "Post" ("Title" varchar(1000), tags varchar(4000)[], "user" character varying(65535));',
      findings: [
        { object: 'public.Post.Title', fix: /ALTER TABLE public\."Post" ALTER COLUMN "Title" TYPE text;/ },
        { object: 'public.Post.tags', fix: /ALTER TABLE public\."Post" ALTER COLUMN tags TYPE text\[\];$/ },
        { object: 'public.Post.user', fix: /ALTER COLUMN "user" TYPE text;/ },
      ],
    },
  ],
});
