"""A number that rises when a transaction that changed what the programme pages read commits:
the worklist pages keep what they read under it (population/programmes/engine.py)."""

from django.db import migrations

# What a worklist page reads: the children, their care events, exclusions and hospital events,
# the programmes with their care processes and value sets, and the practices.
TABLES = [
    "population_child",
    "population_careevent",
    "population_exclusion",
    "population_hospitalevent",
    "population_programme",
    "population_programme_value_sets",
    "population_careprocess",
    "population_valueset",
    "hubs_practice",
]

FORWARD = """
CREATE TABLE population_programmedata (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO population_programmedata VALUES (1, 0);
CREATE TABLE population_programmedatachange (xid bigint PRIMARY KEY);

-- Each statement that changes one of the tables: the first in its transaction marks the
-- transaction (a setting its own reads can see) and queues one raise of the version for its
-- commit. No lock is taken while the transaction runs.
CREATE FUNCTION population_programme_data_changed() RETURNS trigger AS $$
BEGIN
    IF current_setting('population.programme_data_changed', true)
       IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('population.programme_data_changed', txid_current()::text, true);
        INSERT INTO population_programmedatachange VALUES (txid_current())
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- At commit: the version rises with the changes, visible at the same moment as they are. The
-- row's lock is held only from here to the end of the commit.
CREATE FUNCTION population_programme_data_commit() RETURNS trigger AS $$
BEGIN
    UPDATE population_programmedata SET version = version + 1 WHERE id = 1;
    DELETE FROM population_programmedatachange WHERE xid = NEW.xid;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER population_programme_data_commit
    AFTER INSERT ON population_programmedatachange
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION population_programme_data_commit();
"""

CHANGED = """
CREATE TRIGGER {table}_programme_data
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION population_programme_data_changed();
"""

BACKWARD = """
DROP TABLE population_programmedatachange;
DROP TABLE population_programmedata;
DROP FUNCTION population_programme_data_commit();
DROP FUNCTION population_programme_data_changed() CASCADE;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("hubs", "0006_practice_letter_routes"),
        ("population", "0011_child_import_digest"),
    ]

    operations = [
        migrations.RunSQL(
            FORWARD + "".join(CHANGED.format(table=table) for table in TABLES), BACKWARD
        )
    ]
