"""An award's tranches add up to the award (or it has none yet): the database checks it.

A deferred constraint trigger on PostgreSQL, checked at commit (or at once
when `programs.services.tranches` asks with SET CONSTRAINTS … IMMEDIATE),
so a schedule may be replaced row by row inside one transaction. SQLite
(the embedded default) has no deferred triggers: there the services' own
check under the award's row lock is the rule.
"""

from django.db import migrations

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION programs_award_schedule_check(target bigint) RETURNS void AS $$
    DECLARE
        award_amount numeric;
        total numeric;
        tranche_count integer;
    BEGIN
        SELECT amount INTO award_amount FROM programs_award WHERE id = target;
        IF NOT FOUND THEN
            RETURN;
        END IF;
        SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, tranche_count
        FROM programs_tranche WHERE award_id = target;
        IF tranche_count > 0 AND total <> award_amount THEN
            RAISE EXCEPTION USING
                ERRCODE = 'check_violation',
                CONSTRAINT = 'programs_tranche_sum_is_award',
                MESSAGE = 'the tranches of award ' || target || ' add up to ' || total
                    || ', not to the award''s ' || award_amount;
        END IF;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE OR REPLACE FUNCTION programs_tranche_sum_trigger() RETURNS trigger AS $$
    BEGIN
        IF TG_TABLE_NAME = 'programs_award' THEN
            PERFORM programs_award_schedule_check(NEW.id);
            RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM programs_award_schedule_check(OLD.award_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM programs_award_schedule_check(NEW.award_id);
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE CONSTRAINT TRIGGER programs_tranche_sum_is_award
    AFTER INSERT OR DELETE OR UPDATE OF amount, award_id ON programs_tranche
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION programs_tranche_sum_trigger();
    """,
    """
    CREATE CONSTRAINT TRIGGER programs_award_sum_is_award
    AFTER UPDATE OF amount ON programs_award
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION programs_tranche_sum_trigger();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS programs_award_sum_is_award ON programs_award;",
    "DROP TRIGGER IF EXISTS programs_tranche_sum_is_award ON programs_tranche;",
    "DROP FUNCTION IF EXISTS programs_tranche_sum_trigger();",
    "DROP FUNCTION IF EXISTS programs_award_schedule_check(bigint);",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("programs", "0009_milestone_reports")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_REVERSE))]
