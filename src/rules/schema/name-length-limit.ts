import { defineRule } from '../../core/rule.js';
import { byteLength, NAME_MAX_BYTES, namedObjects, truncateBytes } from '../../schema/naming.js';
import type { SchemaModel } from '../models.js';

// What PostgreSQL appends to the names it generates for constraints and indexes.
const GENERATED_ENDING = /_(?:fkey|pkey|key|check|idx|excl)\d*$/;

// A name cut on purpose to fit, ending in a hash of the whole (`…_3f9a1c2e`), as pgwarden's own fixes write them.
const HASHED = /_[0-9a-f]{8}$/;

export default defineRule<SchemaModel>({
  id: 'schema/name-length-limit',
  category: 'schema',
  model: 'catalog',
  defaultSeverity: 'warning',
  summary: 'A name of 63 bytes: PostgreSQL probably cut a longer one short',
  reportsOn: ['schema', 'table', 'view', 'column', 'index', 'constraint', 'sequence', 'function', 'type'],
  docs: {
    why: 'PostgreSQL keeps at most NAMEDATALEN − 1 = 63 bytes of a name (NAMEDATALEN is 64 unless the server was compiled otherwise) and cuts a longer one with only a NOTICE. The name in the migration and the name in the database then differ: a later migration, an ORM or a schema-diff tool that looks for the full name does not find it, and two long names that share their first 63 bytes collide ("relation already exists"). Names PostgreSQL generates are cut the same way: `{table}_{column}_fkey`, `{table}_{column}_key` and `{table}_{column}_idx` of long tables and columns lose the end of the column name, so the constraint no longer says what it covers. A name of exactly 63 bytes is almost always such a cut.',
    howToFix:
      'Give the object a shorter name on purpose, at most 62 bytes (mind multi-byte characters: `é` is 2 bytes): `ALTER TABLE … RENAME CONSTRAINT …`, `ALTER INDEX … RENAME TO …`, `ALTER TABLE … RENAME COLUMN …`, and change the migration that created it so that code and database agree. The fix is proposed for constraints and indexes only: their name cut to 62 bytes, keeping the ending PostgreSQL gives it (`_fkey`, `_key`, `_idx`…); a migration that refers to the old name (a down migration that drops the constraint) must be changed with it. Tables, columns and other objects get no fix: only a person can choose their shorter name, and code that uses the long name works today only because PostgreSQL cuts it the same way. Names that end in an 8-hex-digit hash after an underscore are taken as shortened on purpose (the way pgwarden names an object whose conventional name does not fit) and are not reported; a name cut inside a multi-byte character can be one or two bytes shorter than 63 and is not detected. Triggers and policies are not checked.',
    examples: {
      bad: 'CREATE TABLE customer_subscription_renewals (id bigint PRIMARY KEY, previous_subscription_renewal_id bigint REFERENCES customer_subscription_renewals);\n-- the foreign key is named customer_subscription_renewals_previous_subscription_renewa_fkey',
      good: 'CREATE TABLE subscription_renewals (id bigint PRIMARY KEY, previous_renewal_id bigint REFERENCES subscription_renewals);',
    },
  },
  check({ model, report }) {
    const promised = new Set<string>();
    // a name of 63 ASCII characters is 63 bytes; fewer characters may still be 63 bytes of multi-byte ones
    const suspect = (name: string) =>
      name.length * 3 >= NAME_MAX_BYTES && byteLength(name) >= NAME_MAX_BYTES && !HASHED.test(name);
    for (const object of namedObjects(model, suspect)) {
      const bytes = byteLength(object.name);
      const message = `${object.what} ${object.location.object} is ${bytes} bytes long, the most PostgreSQL keeps: a longer name was probably cut short`;
      // Constraints and indexes: an explicit name of 62 bytes that keeps PostgreSQL's ending (_fkey, _key, _idx…).
      let fix: string | null = null;
      if (object.location.kind === 'constraint' || object.location.kind === 'index') {
        const ending = GENERATED_ENDING.exec(object.name)?.[0] ?? '';
        const stem = truncateBytes(
          object.name.slice(0, object.name.length - ending.length),
          NAME_MAX_BYTES - 1 - byteLength(ending),
        ).replace(/_+$/, '');
        const target = `${stem}${ending}`;
        const key = `${object.namespace}\0${target}`;
        if (stem.length > 0 && object.free(target) && !promised.has(key)) {
          promised.add(key);
          fix = `${object.rename(target)}  -- then use this name in the migrations that mention the old one`;
        }
      }
      report({
        message: `${message}; rename it to at most 62 bytes${fix ? '' : ', and use that name in the migrations'}`,
        location: object.location,
        fix,
      });
    }
  },
});
