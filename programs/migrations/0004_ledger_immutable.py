"""Ledger rows are never changed or deleted: the database itself refuses."""

from django.db import migrations

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION programs_disbursement_immutable() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'disbursement ledger rows are never changed or deleted; '
            'record a reversing entry instead';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER programs_disbursement_no_update BEFORE UPDATE OR DELETE
    ON programs_disbursement FOR EACH ROW EXECUTE FUNCTION programs_disbursement_immutable();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS programs_disbursement_no_update ON programs_disbursement;",
    "DROP FUNCTION IF EXISTS programs_disbursement_immutable();",
]
SQLITE = [
    """
    CREATE TRIGGER programs_disbursement_no_update BEFORE UPDATE ON programs_disbursement
    BEGIN SELECT RAISE(ABORT, 'disbursement ledger rows are never changed'); END;
    """,
    # No DELETE trigger here: Django's test flush empties SQLite tables with
    # DELETE. Deleting through the ORM is refused by the model on every backend.
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS programs_disbursement_no_update;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("programs", "0003_roles")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
