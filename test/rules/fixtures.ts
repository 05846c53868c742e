/** Tables an earlier migration created: the cases that need existing tables lint after it. */
export const EXISTING_TABLES =
  'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric(12, 2), note varchar(20), status text);\nCREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX idx_orders_user_id ON orders (user_id);';
