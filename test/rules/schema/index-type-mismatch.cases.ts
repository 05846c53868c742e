import rule from '../../../src/rules/schema/index-type-mismatch.js';
import { defineCases } from '../../helpers/rule-tester.js';

export default defineCases(rule, {
  valid: [
    {
      name: 'GIN on arrays and jsonb, a unique btree on jsonb, btree on scalars',
      setup: `CREATE TABLE posts (id bigint PRIMARY KEY, tags text[], attributes jsonb, title text);
        CREATE INDEX idx_posts_tags ON posts USING gin (tags);
        CREATE INDEX idx_posts_attributes ON posts USING gin (attributes jsonb_path_ops);
        CREATE UNIQUE INDEX unq_posts_attributes ON posts (attributes);
        CREATE INDEX idx_posts_title ON posts (title);
        CREATE INDEX idx_posts_attributes_kind ON posts ((attributes ->> 'kind'));`,
    },
  ],
  invalid: [
    {
      name: 'a btree on a text[] column',
      setup: `CREATE TABLE posts (id bigint PRIMARY KEY, tags text[]);
        CREATE INDEX posts_tags_idx ON posts (tags);
        INSERT INTO posts SELECT g, ARRAY['t' || g % 10, 't' || g % 7] FROM generate_series(1, 1000) g;`,
      findings: [
        {
          object: 'public.posts_tags_idx',
          severity: 'warning',
          message:
            /^btree index public\.posts_tags_idx on public\.posts \(tags, text\[\]\) compares whole arrays/,
          fix: 'CREATE INDEX CONCURRENTLY idx_posts_tags ON public.posts USING gin (tags);\nDROP INDEX CONCURRENTLY public.posts_tags_idx;',
        },
      ],
    },
    {
      name: 'a btree on jsonb that has the conventional name: built under another, renamed after',
      source: 'shadow',
      setup: `CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb);
        CREATE INDEX idx_events_payload ON events (payload);`,
      findings: [
        {
          object: 'public.idx_events_payload',
          fix: [
            '-- jsonb_path_ops (payload jsonb_path_ops) is smaller and faster when queries only use @>, @? and @@',
            'CREATE INDEX CONCURRENTLY idx_events_payload_gin ON public.events USING gin (payload);',
            'DROP INDEX CONCURRENTLY public.idx_events_payload;',
            'ALTER INDEX public.idx_events_payload_gin RENAME TO idx_events_payload;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'a multi-column btree with an array column: information, no fix',
      setup: `CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint, tags text[]);
        CREATE INDEX idx_posts_author_id_tags ON posts (author_id, tags);`,
      findings: [{ severity: 'info', message: /includes the array column tags/, fix: null }],
    },
  ],
});
