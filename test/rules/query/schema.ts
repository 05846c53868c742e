/** The schema most query cases run against (a fresh database each time). */
export const SHOP = `
CREATE TABLE teams (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  phone text,
  name varchar(100),
  code char(8),
  team_id bigint REFERENCES teams (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  born date
);
CREATE INDEX idx_users_email ON users (email);
CREATE INDEX idx_users_created_at ON users (created_at);
CREATE INDEX idx_users_code ON users (code);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  total numeric(12, 2) NOT NULL,
  status text,
  placed_at timestamp NOT NULL DEFAULT now()
);
CREATE INDEX idx_orders_placed_at ON orders (placed_at);
CREATE TABLE bans (user_id bigint, reason text);
`;
