"""Reference data that migrations install (default segments, value sets and rules, beat
schedules) put back after a transactional test has emptied every table."""

from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

PROJECT_APPS = {"cc4c", "hubs", "population", "mdt", "clinics", "advice", "champions", "evaluation"}


def _data_migrations():
    loader = MigrationLoader(connection)
    seen, plan = set(), []
    for node in loader.graph.leaf_nodes():
        for step in loader.graph.forwards_plan(node):
            if step[0] in PROJECT_APPS and step not in seen:
                seen.add(step)
                plan.append(loader.graph.nodes[step])
    return [op for migration in plan for op in migration.operations if isinstance(op, RunPython)]


def install():
    """Run every data migration of the project again, in dependency order, if they are missing."""
    from population.models import Segment

    if Segment.objects.exists():
        return
    with connection.schema_editor(atomic=True) as editor:
        for operation in _data_migrations():
            operation.code(apps, editor)
