"""Times re-segmentation of a large synthetic population, then rolls every row back.

    python manage.py time_segmentation --children 400000

Inserts the children with one INSERT ... SELECT (test-range-looking numbers, a tenth with
asthma, some eczema, complex conditions and flags), re-segments all of them twice (every row
changing, then nothing changing), one practice, and takes a month-end snapshot. Nothing is kept.
"""

import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from hubs.models import Hub, Practice
from population.segmentation import resegment_children, take_month_end_snapshot

_INSERT = """
INSERT INTO population_child (nhs_number, given_name, family_name, date_of_birth, sex,
    postcode, imd_decile, practice_id, registered_on, conditions, flags, segment, segment_reasons)
SELECT lpad((8000000000 + g)::text, 10, '0'), 'Given' || g, 'Family' || g,
       date '2009-01-01' + (g %% 6500), 'female', '', 1 + g %% 10,
       (%(practices)s::bigint[])[1 + g %% %(n_practices)s], date '2010-01-01',
       (CASE WHEN g %% 10 = 0 THEN ARRAY['195967001'] ELSE '{}' END
        || CASE WHEN g %% 9 = 0 THEN ARRAY['24079001'] ELSE '{}' END
        || CASE WHEN g %% 97 = 0 THEN ARRAY['46635009'] ELSE '{}' END
        || CASE WHEN g %% 7 = 0 THEN ARRAY['14760008'] ELSE '{}' END)::varchar(18)[],
       (CASE WHEN g %% 50 = 0 THEN ARRAY['child_protection_plan'] ELSE '{}' END
        || CASE WHEN g %% 20 = 0 THEN ARRAY['acute_illness_recent'] ELSE '{}' END
        || CASE WHEN g %% 300 = 0 THEN ARRAY['acute_severe_recent'] ELSE '{}' END)::varchar(30)[],
       1, ARRAY['stale reason']::varchar(200)[]
FROM generate_series(1, %(children)s) g
"""


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time re-segmenting a large synthetic population (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=400_000)
        parser.add_argument("--practices", type=int, default=40)

    def handle(self, *args, children, practices, **options):
        try:
            with transaction.atomic():
                self._run(children, practices)
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: nothing was kept.")

    def _timed(self, label, fn):
        start = time.monotonic()
        result = fn()
        self.stdout.write(f"{label}: {time.monotonic() - start:.1f} s ({result} rows)")

    def _run(self, children, n_practices):
        hub = Hub.objects.create(code="TIMING-RUN", name="Timing run")
        practice_ids = [
            Practice.objects.create(ods_code=f"Y{90000 + i}", name=f"Timing {i}", hub=hub).pk
            for i in range(n_practices)
        ]
        params = {"practices": practice_ids, "n_practices": n_practices, "children": children}
        with connection.cursor() as cursor:
            self._timed("insert", lambda: cursor.execute(_INSERT, params) or cursor.rowcount)
            cursor.execute("ANALYZE population_child")
        self._timed("re-segment all (every row changes)", resegment_children)
        self._timed("re-segment all again (nothing changes)", resegment_children)
        self._timed(
            "re-segment one practice", lambda: resegment_children(practice_ids=practice_ids[:1])
        )
        self._timed("month-end snapshot", lambda: take_month_end_snapshot(timezone.localdate()))
