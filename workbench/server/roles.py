"""The server's roles and the lead rule, as SQL run by ``workbench server init``.

- ``workbench_analyst`` reads every table and writes none (no INSERT, UPDATE or DELETE is
  granted, so the server refuses them with "permission denied").
- ``workbench_lead`` reads everything, appends to the audit trail and writes the records of
  the inspections it leads: those whose ``created_by`` is the lead's login. The lead rule is
  a row-level trigger on every inspection table rather than a row-level security policy:
  a policy hides another lead's rows from UPDATE and DELETE, which then change nothing in
  silence, where the trigger refuses in words. No one but an administrator changes or
  removes an audit event.
- ``workbench_admin`` writes everything.

Each login appends to its own audit chain (``workbench.server.login``); the store-wide
order of events (``audit_event.seq``, not covered by the hashes) comes from the sequence
``workbench_audit_seq``, so writers never wait for one another.
"""

from __future__ import annotations

ANALYST, LEAD, ADMIN = "workbench_analyst", "workbench_lead", "workbench_admin"
ROLES = {"analyst": ANALYST, "lead": LEAD, "administrator": ADMIN}

# The tables whose rows belong to one inspection, and how a row names its inspection.
INSPECTION_OF = {
    "inspection": "r->>'id'",
    "case_file": "r->>'inspection_id'",
    "import_log": "r->>'inspection_id'",
    "inspection_key": "r->>'inspection_id'",
    "inspector_key": "r->>'inspection_id'",
    "assessment": "(SELECT inspection_id FROM case_file WHERE id = r->>'case_id')",
    "referral": "(SELECT inspection_id FROM case_file WHERE id = r->>'case_id')",
    "moderation": "(SELECT inspection_id FROM case_file WHERE id = r->>'case_id')",
    "stage_judgement": "(SELECT c.inspection_id FROM assessment a JOIN case_file c "
    "ON c.id = a.case_id WHERE a.id = r->>'assessment_id')",
    "referral_event": "(SELECT c.inspection_id FROM referral f JOIN case_file c "
    "ON c.id = f.case_id WHERE f.id = r->>'referral_id')",
    # The follow-up after publication (migration 0008_followup).
    "inspection_followup": "r->>'inspection_id'",
    "recommendation": "r->>'inspection_id'",
    "action_plan": "r->>'inspection_id'",
    "plan_return": "r->>'inspection_id'",
    "plan_action": "(SELECT inspection_id FROM action_plan WHERE id = r->>'plan_id')",
    "quarter_assessment": "(SELECT inspection_id FROM recommendation "
    "WHERE id = r->>'recommendation_id')",
    "quarter_evidence": "(SELECT rc.inspection_id FROM quarter_assessment q JOIN recommendation "
    "rc ON rc.id = q.recommendation_id WHERE q.id = r->>'assessment_id')",
    # The lead's fieldwork (migration 0010_fieldwork).
    "stage_moderation": "(SELECT inspection_id FROM case_file WHERE id = r->>'case_id')",
    "sample_draw": "r->>'inspection_id'",
    "kit_issue": "r->>'inspection_id'",
    # Text typed and not yet saved (migration 0013_drafts).
    "draft": "(SELECT inspection_id FROM case_file WHERE id = r->>'case_id')",
}
APPEND_ONLY = ("audit_event", "audit_segment")
# The recorded ends of the audit chains (migration 0011_trust): every login that appends to
# its chain moves its own head, so leads insert and update them but never delete. A head moved
# wrongly can only make audit verify report a mismatch; the events stay append-only.
CHAIN_HEADS = ("chain_head",)
# Tables of no one inspection: read by all, written by administrators only.
SHARED = ("store_identity", "device_key")
TRIGGER = "workbench_lead_rule"


def _inspection_of_function() -> str:
    cases = "\n".join(
        f"        WHEN '{table}' THEN RETURN {expr};" for table, expr in INSPECTION_OF.items()
    )
    return f"""
CREATE OR REPLACE FUNCTION workbench_inspection_of(tbl text, r jsonb) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    CASE tbl
{cases}
        ELSE RETURN NULL;
    END CASE;
END $$;
"""


LEAD_RULE = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rows jsonb[];
    r jsonb;
    inspection_id text;
    led_by text;
BEGIN
    IF pg_has_role(current_user, '{ADMIN}', 'MEMBER')
       OR NOT pg_has_role(current_user, '{LEAD}', 'MEMBER') THEN
        RETURN COALESCE(NEW, OLD);  -- administrators; the grants govern everyone else
    END IF;
    IF TG_OP = 'INSERT' THEN rows := ARRAY[to_jsonb(NEW)];
    ELSIF TG_OP = 'DELETE' THEN rows := ARRAY[to_jsonb(OLD)];
    ELSE rows := ARRAY[to_jsonb(OLD), to_jsonb(NEW)];
    END IF;
    FOREACH r IN ARRAY rows LOOP
        IF TG_TABLE_NAME = 'inspection' THEN
            led_by := r->>'created_by';
            inspection_id := r->>'id';
        ELSE
            inspection_id := workbench_inspection_of(TG_TABLE_NAME, r);
            SELECT i.created_by INTO led_by FROM inspection i WHERE i.id = inspection_id;
            IF NOT FOUND THEN CONTINUE; END IF;  -- a cascade from a removed inspection
        END IF;
        IF led_by IS DISTINCT FROM current_user::text THEN
            RAISE EXCEPTION 'workbench: % may not change the % of inspection %, which % leads',
                current_user, replace(TG_TABLE_NAME, '_', ' '), left(inspection_id, 8),
                COALESCE(led_by, 'no one')
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    RETURN COALESCE(NEW, OLD);
END $$;
"""


AUDIT_SEQ = f"""
CREATE SEQUENCE IF NOT EXISTS workbench_audit_seq;
SELECT setval('workbench_audit_seq', GREATEST(
    (SELECT COALESCE(MAX(seq), 0) FROM audit_event),
    (SELECT last_value FROM workbench_audit_seq)));
CREATE OR REPLACE FUNCTION workbench_audit_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := nextval('workbench_audit_seq');  -- not hashed: the chains stay as written
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS workbench_audit_seq ON audit_event;
CREATE TRIGGER workbench_audit_seq BEFORE INSERT ON audit_event
    FOR EACH ROW EXECUTE FUNCTION workbench_audit_seq();
GRANT USAGE ON SEQUENCE workbench_audit_seq TO {LEAD}, {ADMIN};
"""


def create_roles_sql() -> list[str]:
    """Statements creating the three group roles (cluster-wide; kept if they exist)."""
    return [
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {role} NOLOGIN;
            END IF;
        END $$"""
        for role in (ANALYST, LEAD, ADMIN)
    ]


def grants_sql(tables: list[str]) -> list[str]:
    """The grants and lead-rule triggers on this database's tables."""
    everyone = f"{ANALYST}, {LEAD}, {ADMIN}"
    statements = [
        f"GRANT CONNECT ON DATABASE current_database() TO {everyone}",
        f"GRANT USAGE ON SCHEMA public TO {everyone}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ADMIN}",
        _inspection_of_function(),
        LEAD_RULE,
        AUDIT_SEQ,
    ]
    statements[0] = statements[0].replace("current_database()", '"{database}"')
    for table in tables:
        if table in INSPECTION_OF:
            statements.append(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {LEAD}")
            statements.append(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
            statements.append(
                f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
            )
        elif table in APPEND_ONLY:
            statements.append(f"GRANT INSERT ON {table} TO {LEAD}")
        elif table in CHAIN_HEADS:
            statements.append(f"GRANT INSERT, UPDATE ON {table} TO {LEAD}")
    return statements
