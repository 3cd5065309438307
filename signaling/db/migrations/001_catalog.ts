// Organisations, offices, users (upserted from JWT claims) and persistent rooms.
export default /* sql */ `
CREATE TABLE organisations (
  id         text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE offices (
  id              text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
  organisation_id text REFERENCES organisations (id),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  subject      text PRIMARY KEY CHECK (length(subject) BETWEEN 1 AND 256),
  display_name text NOT NULL,
  office_id    text REFERENCES offices (id),
  global_role  text NOT NULL CHECK (global_role IN ('staff', 'admin')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rooms (
  id                  uuid PRIMARY KEY,
  slug                text NOT NULL UNIQUE,
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  office_id           text NOT NULL REFERENCES offices (id),
  capacity            integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
  lobby               boolean NOT NULL DEFAULT false,
  passcode_hash       text,
  guests_allowed      boolean NOT NULL DEFAULT true,
  chat_retention_days integer NOT NULL DEFAULT 30 CHECK (chat_retention_days BETWEEN 0 AND 3650),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rooms_office_idx ON rooms (office_id);
`;
