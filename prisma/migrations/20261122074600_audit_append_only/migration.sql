-- The audit trail is append-only: rows can be added, never changed or removed.
-- The daily retention job is the one exception; it sets homevisit.retention = 'on' for its
-- own transaction only, and records what it did as a new audit entry.
CREATE OR REPLACE FUNCTION homevisit_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF current_setting('homevisit.retention', true) = 'on' THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only: % is not allowed', TG_OP USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditEntry_append_only"
BEFORE UPDATE OR DELETE ON "AuditEntry"
FOR EACH ROW EXECUTE FUNCTION homevisit_audit_append_only();

CREATE TRIGGER "VisitRecord_append_only"
BEFORE UPDATE OR DELETE ON "VisitRecord"
FOR EACH ROW EXECUTE FUNCTION homevisit_audit_append_only();
