// The audit log: append-only, every row carrying the hash of the one before
// (hashing is done by the application, see signaling/audit/chain.ts). The
// chain head row is both the lock that keeps concurrent appends one chain
// and the record of the last row, so a truncated tail is detectable.
export default /* sql */ `
CREATE TABLE audit_log (
  id        bigint PRIMARY KEY,
  at        timestamptz NOT NULL,
  action    text NOT NULL,
  actor     text NOT NULL,
  target    text,
  room      text,
  details   jsonb NOT NULL,
  ip        text,
  prev_hash text NOT NULL,
  hash      text NOT NULL
);

CREATE TABLE audit_chain_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id   bigint NOT NULL,
  last_hash text NOT NULL
);
INSERT INTO audit_chain_head (singleton, last_id, last_hash) VALUES (true, 0, repeat('0', 64));

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
`;
