"""The database itself refuses to change or delete an audit entry, whatever the application does."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION hubs_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % refused on hubs_auditevent', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER hubs_auditevent_append_only
    BEFORE UPDATE OR DELETE ON hubs_auditevent
    FOR EACH ROW EXECUTE FUNCTION hubs_auditevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS hubs_auditevent_append_only ON hubs_auditevent;
DROP FUNCTION IF EXISTS hubs_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("hubs", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
