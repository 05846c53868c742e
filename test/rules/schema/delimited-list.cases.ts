import rule from '../../../src/rules/schema/delimited-list.js';
import { defineCases } from '../../helpers/rule-tester.js';

const words = "ARRAY['red', 'blue', 'green', 'yellow', 'black', 'white', 'orange', 'purple']";

export default defineCases(rule, {
  valid: [
    {
      name: 'prose with commas',
      setup: `CREATE TABLE reviews (id bigint PRIMARY KEY, body text NOT NULL);
        INSERT INTO reviews SELECT g, (ARRAY[
          'The parcel arrived late, but the support team was helpful and kind',
          'Great value for money, would certainly buy from this shop again',
          'Not what I expected, the colour looks different from the photos',
          'Fast delivery, nice packaging, and the size fits as described'])[1 + g % 4] || ' (review ' || g || ')'
          FROM generate_series(1, 300) g;`,
    },
    {
      name: 'JSON stored as text, URLs, numbers with thousands separators',
      setup: `CREATE TABLE imports (id bigint PRIMARY KEY, payload text, source text, amount text);
        INSERT INTO imports SELECT g, json_build_object('id', g, 'tags', json_build_array('a', 'b'), 'n', g % 7)::text,
          'https://example.com/items/' || g || '?fields=a,b,c', to_char(g * 1000, 'FM9,999,999')
          FROM generate_series(1, 300) g;`,
    },
    {
      name: 'two fixed parts are a composite value, not a list (city, country; coordinates)',
      setup: `CREATE TABLE places (id bigint PRIMARY KEY, town text, point text);
        INSERT INTO places SELECT g, 'Town' || g || ', Country' || (g % 9), (g % 90) || '.5,' || (g % 180) || '.25'
          FROM generate_series(1, 300) g;`,
    },
    {
      name: 'a column named tags whose data holds single tags',
      setup: `CREATE TABLE posts (id bigint PRIMARY KEY, tags text);
        INSERT INTO posts SELECT g, (${words})[1 + g % 8] || g % 20 FROM generate_series(1, 300) g;`,
    },
    {
      name: 'arrays are lists already; json is not text',
      source: 'shadow',
      setup: 'CREATE TABLE posts (id bigint PRIMARY KEY, tags text[], tag_ids bigint[], meta_list jsonb);',
    },
    {
      name: 'a few lists among single values (under minShare)',
      setup: `CREATE TABLE notes (id bigint PRIMARY KEY, label text);
        INSERT INTO notes SELECT g, CASE WHEN g % 10 = 0 THEN 'red,blue,' || g ELSE 'label' || g END
          FROM generate_series(1, 300) g;`,
    },
  ],
  invalid: [
    {
      name: 'comma-separated tags (live, from the sample)',
      setup: `CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL, labels text);
        INSERT INTO posts (title, labels)
          SELECT 'post ' || g, array_to_string((${words})[1 + g % 5 : 1 + g % 5 + g % 4], ',')
          FROM generate_series(1, 400) g;`,
      fixResolves: false,
      findings: [
        {
          object: 'public.posts.labels',
          severity: 'warning',
          message:
            /^public.posts.labels \(text\) holds delimited lists: \d+ of the \d+ values ANALYZE sampled are ','-separated \('[a-z,]+', '[a-z,]+', '[a-z,]+'\); no index, foreign key or constraint can reach the items$/,
          fix: [
            '-- better than a list in a string: a child table, one row per post and label',
            '-- CREATE TABLE public.post_labels (',
            '--   id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
            '--   post_id bigint NOT NULL REFERENCES public.posts (id) ON DELETE CASCADE,',
            '--   label text NOT NULL,',
            '--   UNIQUE (post_id, label)',
            '-- );',
            '-- INSERT INTO public.post_labels (post_id, label)',
            '--   SELECT DISTINCT t.id, trim(x.item)',
            "--   FROM public.posts AS t, unnest(string_to_array(t.labels, ',')) AS x (item)",
            "--   WHERE trim(x.item) <> '';",
            '-- or at least an array column (a GIN index serves labels @> ARRAY[…]):',
            "-- ALTER TABLE public.posts ADD COLUMN labels_array text[];  -- filled in batches with string_to_array(labels, ',')",
            '-- then, once the application uses it: ALTER TABLE public.posts DROP COLUMN labels;',
          ].join('\n'),
        },
      ],
    },
    {
      name: 'ids separated by semicolons and pipes, with spaces',
      setup: `CREATE TABLE categories (id bigint PRIMARY KEY, name text NOT NULL);
        CREATE TABLE products (id bigint PRIMARY KEY, category_ids varchar(200), roles text);
        INSERT INTO products SELECT g, array_to_string(ARRAY(SELECT (g * k) % 97 FROM generate_series(1, 1 + g % 4) k), ';'),
          array_to_string((ARRAY['admin', 'editor', 'viewer', 'owner', 'billing'])[1 + g % 3 : 2 + g % 3 + g % 2], ' | ')
          FROM generate_series(1, 300) g;`,
      fixResolves: false,
      findings: [
        {
          object: 'public.products.category_ids',
          message: /';'-separated/,
          fix: /-- {3}category_id bigint NOT NULL REFERENCES public.categories \(id\) ON DELETE CASCADE,\n[\s\S]*-- {3}SELECT DISTINCT t.id, trim\(x.item\)::bigint\n-- {3}FROM public.products AS t, unnest\(string_to_array\(t.category_ids, ';'\)\) AS x \(item\)\n[\s\S]*ADD COLUMN category_ids_array bigint\[\]; {2}-- filled in batches with string_to_array\(category_ids, ';'\)::bigint\[\]/,
        },
        {
          object: 'public.products.roles',
          message: /'\|'-separated/,
          fix: /public.product_roles \([\s\S]*-- {3}role text NOT NULL,/,
        },
      ],
    },
    {
      name: 'without data, the name says it (shadow, info)',
      source: 'shadow',
      setup: `CREATE TABLE tags (id bigint PRIMARY KEY, name text NOT NULL);
        CREATE TABLE articles (id bigint PRIMARY KEY, tags text, tag_ids text, email_list varchar(500), summary text);`,
      fixResolves: false,
      findings: [
        {
          object: 'public.articles.tags',
          severity: 'info',
          message:
            'public.articles.tags is text and its name says it holds a list: items packed in a string cannot be indexed, constrained or joined',
        },
        {
          object: 'public.articles.tag_ids',
          severity: 'info',
          message:
            'public.articles.tag_ids is text and its name says it holds a list of public.tags ids: items packed in a string cannot be indexed, constrained or joined (no foreign key checks them)',
          // (article_tags is the name the tags column's finding takes: each finding names its own table)
          fix: /-- better than a list in a string: a join table, one row per article and tag_id\n-- CREATE TABLE public.article_tags_2 \(/,
        },
        { object: 'public.articles.email_list', fix: /public.article_emails/ },
      ],
    },
    {
      name: 'a live table without rows: the name still says it',
      setup: 'CREATE TABLE articles (id bigint PRIMARY KEY, tags text);',
      fixResolves: false,
      findings: [{ object: 'public.articles.tags', severity: 'info' }],
    },
  ],
});
