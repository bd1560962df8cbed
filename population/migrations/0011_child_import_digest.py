from django.db import migrations, models

# The fields the children import writes (population.imports.FIELDS), as columns.
FILE_COLUMNS = [
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "practice_id",
    "registered_on",
    "deregistered_on",
    "conditions",
    "flags",
    "asthma_plan_reviewed_on",
    "imd_decile",
    "ethnic_category",
]
OLD = ", ".join(f"OLD.{c}" for c in FILE_COLUMNS)
NEW = ", ".join(f"NEW.{c}" for c in FILE_COLUMNS)

# A record changed by anything but the import's own write (which sets the digest of the line it
# wrote) no longer holds what its stored line gave, and a line naming a practice whose code has
# changed no longer names it: the digest goes, and the next import of that line takes the whole
# road.
CREATE = f"""
CREATE FUNCTION population_child_clear_import_digest() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN NEW.import_digest := NULL; RETURN NEW; END $$;
CREATE TRIGGER population_child_import_digest BEFORE UPDATE ON population_child
FOR EACH ROW WHEN (
    NEW.import_digest IS NOT NULL
    AND NEW.import_digest IS NOT DISTINCT FROM OLD.import_digest
    AND ROW({OLD}) IS DISTINCT FROM ROW({NEW})
) EXECUTE FUNCTION population_child_clear_import_digest();
CREATE FUNCTION population_practice_clear_import_digests() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
    UPDATE population_child SET import_digest = NULL
    WHERE practice_id = NEW.id AND import_digest IS NOT NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER population_practice_import_digests AFTER UPDATE OF ods_code ON hubs_practice
FOR EACH ROW WHEN (NEW.ods_code IS DISTINCT FROM OLD.ods_code)
EXECUTE FUNCTION population_practice_clear_import_digests();
"""
DROP = """
DROP TRIGGER population_practice_import_digests ON hubs_practice;
DROP FUNCTION population_practice_clear_import_digests();
DROP TRIGGER population_child_import_digest ON population_child;
DROP FUNCTION population_child_clear_import_digest();
"""


class Migration(migrations.Migration):
    dependencies = [("population", "0010_programme_snapshots"), ("hubs", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="child",
            name="import_digest",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
