"""make bench: the system at north west London scale, each figure against a baseline measured
in the same run on the same machine (these machines are noisy; ratios travel, seconds do not).

Builds its own database (cc4c_bench on the same server), writes a synthetic data set with
generate_synthetic, and prints a table: figure, value, baseline, ratio, target.
"""

import argparse
import http.client
import itertools
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# The peer imports this many children (django-import-export takes minutes for more).
PEER_ROWS = 20_000
# At --scales, each size has a hub for every CHILDREN_PER_HUB children.
CHILDREN_PER_HUB = 4_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=400_000)
    parser.add_argument("--hubs", type=int, default=100)
    parser.add_argument(
        "--scales",
        help="children at each size, e.g. 100000,400000,1600000 (hubs in proportion, "
        f"{CHILDREN_PER_HUB:,} children each): the scaling table and its growth exponents",
    )
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--requests", type=int, default=60, help="per page, for latency")
    parser.add_argument("--load-seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default="cc4c_bench", help="the bench database's name")
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="stop after the children import, its unchanged re-import and segmentation",
    )
    parser.add_argument(
        "--peer-rows",
        type=int,
        default=PEER_ROWS,
        help="children imported with django-import-export, the peer, and with this project's "
        "import (0: no peer)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database an earlier run built; measure only the evaluation and the pages",
    )
    args = parser.parse_args()
    if args.scales:
        if args.reuse:
            parser.error("--reuse measures the database an earlier run built: one size only")
        try:
            args.sizes = [int(size.replace("_", "")) for size in args.scales.split(",")]
        except ValueError:
            parser.error("--scales takes children counts separated by commas: 100000,400000")
        if len(args.sizes) < 2 or sorted(set(args.sizes)) != args.sizes:
            parser.error("--scales takes two or more sizes, smallest first")
    return args


def bench_database_url(name):
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}")), urlunsplit(parts._replace(path="/postgres"))


def recreate_database(admin_url, name):
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


ROWS = []
# The whole-population times and per-hub pages at each size: {figure: {size: value}}.
SCALING = {}
SCALING_TARGETS = {}
SIZE = [0]  # the number of children being measured
EVALUATION_RUNS = 3
BENCH_SECRET = "bench-only-secret-" + "x" * 40  # noqa: S105 - a throwaway benchmark database


def figure(name, value, baseline, unit="s", target="", scaling=None, scaling_target=""):
    """One figure against its baseline (None: a figure with none). ``scaling`` names it in the
    scaling table, where its value at each size and its growth exponent are printed."""
    ratio = f"{value / baseline:.2f}" if baseline else ""
    shown = f"{baseline:.3f} {unit}" if baseline is not None else "—"
    ROWS.append((f"{SIZE[0]:,}", name, f"{value:.3f} {unit}", shown, ratio, target))
    against = f" vs {shown} (×{ratio})" if baseline else ""
    print(f"  {name}: {value:.3f} {unit}{against}", flush=True)
    if scaling:
        SCALING.setdefault((scaling, unit), {})[SIZE[0]] = value
        SCALING_TARGETS[(scaling, unit)] = scaling_target


def copy_baseline(path):
    """PostgreSQL COPY of the same file into a plain table of text columns."""
    from django.db import connection, transaction

    header = path.open(encoding="utf-8").readline().strip().split(",")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        cursor.execute("CREATE TABLE bench_raw (" + ", ".join(f'"{c}" text' for c in header) + ")")
        with Timer() as t, path.open(encoding="utf-8") as handle:
            cursor.copy_expert("COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
        cursor.execute("DROP TABLE bench_raw")
    return t.seconds


# The children file's cells as the children table's columns: what any loader of this file into
# that table must at least do (types, the practice looked up by its ODS code, lists split); the
# segment is a constant here, where the import works it out.
FLOOR_INSERT = """
INSERT INTO bench_floor (nhs_number, given_name, family_name, date_of_birth, sex, postcode,
    practice_id, registered_on, deregistered_on, conditions, flags, asthma_plan_reviewed_on,
    imd_decile, ethnic_category, segment, segment_reasons)
SELECT r.nhs_number, r.given_name, r.family_name, r.date_of_birth::date, r.sex,
    coalesce(r.postcode, ''), p.id, r.registered_on::date, r.deregistered_on::date,
    coalesce(string_to_array(r.conditions, ';'), '{}'),
    coalesce(string_to_array(r.flags, ';'), '{}'),
    r.asthma_plan_reviewed_on::date, r.imd_decile::smallint, '', 1, '{}'
FROM bench_raw r JOIN hubs_practice p ON p.ods_code = r.practice_ods
"""


def copy_floor(path):
    """The honest floor of the children import: COPY of the same file, then one INSERT of its
    rows into a table with the children table's columns, defaults, indexes, check constraints
    and foreign keys (created for the bench, dropped after). Returns (seconds, rows)."""
    from django.db import connection, transaction

    header = path.open(encoding="utf-8").readline().strip().split(",")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS bench_raw, bench_floor; "  # noqa: S608 - the file's own header
            "CREATE TABLE bench_floor (LIKE population_child INCLUDING ALL); "
            "CREATE TABLE bench_raw (" + ", ".join(f'"{c}" text' for c in header) + "); "
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'population_child'::regclass AND contype = 'f'"
        )
        for (definition,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE bench_floor ADD {definition}")
    try:
        # Timed to the commit, as an import is: the foreign keys are checked then (deferred).
        with (
            Timer() as t,
            path.open(encoding="utf-8") as handle,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.copy_expert("COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
            cursor.execute(FLOOR_INSERT)
            rows = cursor.rowcount
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_raw, bench_floor")
    return t.seconds, rows


# The default segments of docs/population-framework.md written as one statement by hand.
SEGMENT_SQL = """
WITH sets AS (
  SELECT c.id,
    (SELECT count(*) FROM population_valueset v
       WHERE v.kind = 'long_term' AND v.codes && c.conditions) AS long_term,
    (SELECT count(*) FROM population_valueset v
       WHERE v.kind = 'complex' AND v.codes && c.conditions) AS complex,
    c.flags
  FROM population_child c
)
SELECT id, CASE
  WHEN flags && '{acute_severe_recent}' THEN 8
  WHEN complex > 0 OR flags && '{technology_dependent,palliative_care}' THEN 7
  WHEN flags && '{child_protection_plan,looked_after}' THEN 6
  WHEN flags && '{child_in_need,young_carer,send_ehcp}' THEN 5
  WHEN long_term >= 2 THEN 4
  WHEN long_term = 1 THEN 3
  WHEN flags && '{acute_illness_recent}' THEN 2
  ELSE 1 END AS segment
FROM sets
"""

# Every programme's coverage per practice and care process, today, written by hand as one
# statement (docs/population-framework.md, "Programmes"): what population.programmes.engine
# gives programme by programme.
PROGRAMME_SQL = """
WITH prog AS MATERIALIZED (
  SELECT p.id, p.whole_population, p.min_age, p.max_age,
         coalesce((SELECT array_agg(DISTINCT code) FROM population_programme_value_sets pv
                   JOIN population_valueset v ON v.id = pv.valueset_id, unnest(v.codes) code
                   WHERE pv.programme_id = p.id), '{}') AS codes
  FROM population_programme p WHERE p.active
),
reg AS (
  SELECT c.id, c.practice_id, c.asthma_plan_reviewed_on, prog.id AS programme_id
  FROM population_child c JOIN prog ON (prog.whole_population OR c.conditions && prog.codes)
   AND c.date_of_birth > %(today)s::date - make_interval(years => prog.max_age + 1)
   AND c.date_of_birth <= %(today)s::date - make_interval(years => prog.min_age)
  WHERE c.registered_on <= %(today)s
    AND (c.deregistered_on IS NULL OR c.deregistered_on > %(today)s)
),
last AS (
  SELECT child_id, process_id, max(done_on) AS d FROM population_careevent
  WHERE done_on <= %(today)s GROUP BY 1, 2
)
SELECT reg.practice_id, p.id,
  count(*) FILTER (WHERE x.child_id IS NULL) AS eligible,
  count(*) FILTER (WHERE x.child_id IS NULL AND CASE WHEN p.after_id IS NULL
    THEN greatest(l.d, CASE WHEN p.reads_asthma_plan_date
                            AND reg.asthma_plan_reviewed_on <= %(today)s
                            THEN reg.asthma_plan_reviewed_on END) + p.interval_days > %(today)s
    ELSE t.d IS NULL OR l.d >= t.d OR t.d + p.interval_days > %(today)s END) AS in_date,
  count(*) FILTER (WHERE x.child_id IS NOT NULL) AS excluded
FROM reg JOIN population_careprocess p
  ON p.programme_id = reg.programme_id AND p.interval_days IS NOT NULL
LEFT JOIN last l ON l.child_id = reg.id AND l.process_id = p.id
LEFT JOIN last t ON t.child_id = reg.id AND t.process_id = p.after_id
LEFT JOIN (SELECT DISTINCT child_id, process_id FROM population_exclusion
           WHERE until >= %(today)s) x ON x.child_id = reg.id AND x.process_id = p.id
GROUP BY 1, 2
"""

# A hub's asthma worklist page by hand: its 50 highest-risk rows (never done, overdue or due
# in 30 days, not excluded) and how many there are, as the page shows them.
WORKLIST_SQL = """
WITH reg AS (
  SELECT c.* FROM population_child c JOIN hubs_practice pr ON pr.id = c.practice_id
  WHERE pr.hub_id = %(hub)s AND c.conditions && (SELECT codes FROM population_valueset
                                                 WHERE name = 'asthma')
    AND c.registered_on <= %(today)s
    AND (c.deregistered_on IS NULL OR c.deregistered_on > %(today)s)
    AND c.date_of_birth > %(today)s::date - interval '18 years'
),
items AS (
  SELECT reg.id, reg.segment, reg.imd_decile, reg.family_name, reg.given_name, p.id AS pid,
         greatest((SELECT max(done_on) FROM population_careevent e
                   WHERE e.child_id = reg.id AND e.process_id = p.id AND e.done_on <= %(today)s),
                  CASE WHEN p.reads_asthma_plan_date THEN reg.asthma_plan_reviewed_on END)
           + p.interval_days AS due_on
  FROM reg JOIN population_careprocess p ON p.programme_id =
       (SELECT id FROM population_programme WHERE key = 'asthma')
  WHERE NOT EXISTS (SELECT 1 FROM population_exclusion x WHERE x.child_id = reg.id
                    AND x.process_id = p.id AND x.until >= %(today)s)
),
due AS (SELECT * FROM items WHERE due_on IS NULL OR due_on <= %(today)s + 30)
SELECT (SELECT count(*) FROM due), d.*, (SELECT count(*) FROM population_hospitalevent h
  WHERE h.child_id = d.id AND h.kind IN ('ed_attendance', 'admission')
    AND h.occurred_on > %(today)s - 365) AS use
FROM due d ORDER BY segment DESC, use DESC, imd_decile NULLS LAST, due_on NULLS FIRST,
  family_name, given_name, id, pid
LIMIT 50
"""

# A third of the children have each care process done some day in the last 500 days, and
# some have been to the emergency department or admitted: the synthetic data has neither.
CARE_EVENTS_SQL = """
INSERT INTO population_careevent (child_id, process_id, done_on, code, source, recorded_at)
SELECT c.id, p.id, current_date - (random() * 500)::int, '', 'import', now()
FROM population_child c CROSS JOIN population_careprocess p
WHERE random() < 0.35
ON CONFLICT DO NOTHING;
INSERT INTO population_hospitalevent (child_id, occurred_on, kind, diagnosis)
SELECT c.id, current_date - (random() * 400)::int,
       CASE WHEN random() < 0.7 THEN 'ed_attendance' ELSE 'admission' END, ''
FROM population_child c WHERE random() < 0.06
ON CONFLICT DO NOTHING;
ANALYZE population_careevent;
ANALYZE population_hospitalevent;
"""


def measure_programmes(args):
    """Every programme's coverage recomputed by the engine vs the hand-written statement."""
    from django.db import connection
    from django.utils import timezone

    from population.models import Child
    from population.programmes import engine

    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM population_careevent")
        if not cursor.fetchone()[0]:
            cursor.execute(CARE_EVENTS_SQL)
    print("Every programme's coverage vs one hand-written statement", flush=True)
    baseline, seconds, found = [], [], {}
    for _ in range(EVALUATION_RUNS):
        with Timer() as t, connection.cursor() as cursor:
            cursor.execute(PROGRAMME_SQL, {"today": today})
            hand = {(str(a), b): (e, i, x) for a, b, e, i, x in cursor.fetchall()}
        baseline.append(t.seconds)
        with Timer() as t:
            found = {}
            children = Child.objects.registered_on(today)
            for programme in engine.active_programmes():
                found.update(engine.coverage_counts(children, programme, today, by="practice"))
        seconds.append(t.seconds)
    figure(
        f"coverage of every programme, all practices, vs hand SQL (best of {EVALUATION_RUNS})",
        min(seconds),
        min(baseline),
        target="≤ 2×",
        scaling="programme coverage, all practices",
        scaling_target="k ≤ 1.1",
    )
    disagree = sum(1 for key in set(hand) | set(found) if hand.get(key) != found.get(key))
    print(f"  practice × process figures that differ from the hand-written SQL: {disagree}")


# The evaluation's measures written by hand: one statement per section, each giving what the
# report gives (all hubs together, each hub, and each month for the sections with a time axis,
# through GROUPING SETS), with no ORM and no Python in between.
LONDON_MONTH = "date_trunc('month', {} AT TIME ZONE 'Europe/London')"
# Instants inside the period's London days, as an index can use them.
LONDON_DAYS = (
    "{0} >= %(from)s::timestamp AT TIME ZONE 'Europe/London'"
    " AND {0} < (%(to)s::date + 1)::timestamp AT TIME ZONE 'Europe/London'"
)


def _each(column, values):
    return ", ".join(f"count(*) FILTER (WHERE {column} = '{v}')" for v in values)


def evaluation_sql():
    from advice.models import Outcome as AdviceOutcome
    from clinics.models import Outcome as ClinicOutcome
    from mdt.models import Outcome as MdtOutcome

    return [
        # Population as at `to`: the month-end snapshot where one was kept, else current values;
        # per hub and segment (the hubs together are their sum, as in the report).
        """SELECT p.hub_id, coalesce(s.segment, c.segment) AS seg, count(*),
                  count(*) FILTER (WHERE coalesce(s.on_asthma_register, c.conditions && a.codes)),
                  count(*) FILTER (WHERE coalesce(s.asthma_plan_current,
                      c.conditions && a.codes
                      AND c.asthma_plan_reviewed_on BETWEEN %(to)s::date - 364 AND %(to)s))
           FROM population_child c JOIN hubs_practice p ON p.id = c.practice_id
           CROSS JOIN (SELECT coalesce((SELECT codes FROM population_valueset
                                        WHERE name = 'asthma'), '{}') AS codes) a
           LEFT JOIN population_segmentsnapshot s ON s.child_id = c.id AND s.month_end = %(to)s
           WHERE c.registered_on <= %(to)s
             AND (c.deregistered_on IS NULL OR c.deregistered_on > %(to)s)
             AND c.date_of_birth > %(to)s::date - interval '18 years'
           GROUP BY 1, 2""",
        f"""SELECT m.hub_id, {LONDON_MONTH.format("m.starts_at")} AS month,
                  count(DISTINCT m.id), count(d.id) FILTER (WHERE d.discussed),
                  {_each("d.outcome", MdtOutcome.values)}
           FROM mdt_meeting m LEFT JOIN mdt_casediscussion d ON d.meeting_id = m.id
           WHERE m.status = 'finished'
             AND {LONDON_DAYS.format("m.starts_at")}
           GROUP BY GROUPING SETS ((), (m.hub_id), (2))""",  # noqa: S608
        f"""SELECT s.hub_id, date_trunc('month', s.date) AS month, count(DISTINCT s.id),
                  count(a.id), count(a.id) FILTER (WHERE a.status = 'attended'),
                  count(DISTINCT a.child_id) FILTER (WHERE a.status = 'attended'),
                  count(a.id) FILTER (WHERE a.status = 'attended' AND a.type = 'new'),
                  count(a.id) FILTER (WHERE a.status = 'not_brought'),
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY s.date - a.referral_date)
                      FILTER (WHERE a.type = 'new' AND a.status IN ('attended', 'not_brought')),
                  {_each("a.outcome", ClinicOutcome.values)}
           FROM clinics_clinicsession s LEFT JOIN clinics_slot sl ON sl.session_id = s.id
           LEFT JOIN clinics_appointment a ON a.slot_id = sl.id
                AND a.status NOT IN ('cancelled_by_family', 'cancelled_by_clinic')
           WHERE s.date BETWEEN %(from)s AND %(to)s AND s.status <> 'cancelled'
           GROUP BY GROUPING SETS ((), (s.hub_id), (2))""",  # noqa: S608
        f"""SELECT hub_id, {LONDON_MONTH.format("received_at")} AS month, count(*),
                  count(first_response_at),
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_at - received_at),
                  {_each("outcome", AdviceOutcome.values)}
           FROM advice_advicerequest
           WHERE {LONDON_DAYS.format("received_at")}
           GROUP BY GROUPING SETS ((), (hub_id), (2))""",  # noqa: S608
        """SELECT p.hub_id, date_trunc('month', a.date) AS month, count(*), sum(a.hours),
                  sum(a.people_reached)
           FROM champions_activity a JOIN champions_champion c ON c.id = a.champion_id
           JOIN hubs_practice p ON p.id = c.practice_id
           WHERE a.date BETWEEN %(from)s AND %(to)s
           GROUP BY GROUPING SETS ((), (p.hub_id), (2))""",
        """SELECT hub_id, date_trunc('month', received_on) AS month, count(*),
                  count(*) FILTER (WHERE experience IN ('very_good', 'good')),
                  count(*) FILTER (WHERE place = 'gp_practice'), count(*) FILTER (WHERE place <> '')
           FROM feedback_familyresponse WHERE received_on BETWEEN %(from)s AND %(to)s
           GROUP BY GROUPING SETS ((), (hub_id), (2))""",
        f"""SELECT m.hub_id, {LONDON_MONTH.format("m.starts_at")} AS month,
                  count(DISTINCT at.id), avg(f.usefulness)
           FROM mdt_meeting m LEFT JOIN mdt_attendance at ON at.meeting_id = m.id
           LEFT JOIN feedback_professionalfeedback f ON f.meeting_id = m.id
           WHERE m.status = 'finished'
             AND {LONDON_DAYS.format("m.starts_at")}
           GROUP BY GROUPING SETS ((), (m.hub_id), (2))""",  # noqa: S608
        # Messages to families: those Notify took, by the day it took them, and delivered.
        f"""SELECT m.hub_id, {LONDON_MONTH.format("o.sent_at")} AS month, count(*),
                  count(*) FILTER (WHERE o.status = 'delivered')
           FROM families_message m JOIN cc4c_outboxnotification o ON o.id = m.outbox_id
           WHERE o.status IN ('sending', 'delivered', 'permanent-failure', 'temporary-failure',
                              'technical-failure')
             AND {LONDON_DAYS.format("o.sent_at")}
           GROUP BY GROUPING SETS ((), (m.hub_id), (2))""",  # noqa: S608
        # Appointments held with and without a delivered reminder, and the slots families gave
        # back that were booked again.
        """SELECT hub_id, date_trunc('month', date) AS month,
                  count(*) FILTER (WHERE held AND reminded),
                  count(*) FILTER (WHERE held AND reminded AND status = 'not_brought'),
                  count(*) FILTER (WHERE held AND NOT reminded),
                  count(*) FILTER (WHERE held AND NOT reminded AND status = 'not_brought'),
                  count(*) FILTER (WHERE status = 'cancelled_by_family'),
                  count(*) FILTER (WHERE status = 'cancelled_by_family' AND rebooked)
           FROM (SELECT s.hub_id, s.date, a.status,
                        a.status IN ('attended', 'not_brought') AS held,
                        EXISTS (SELECT 1 FROM families_message m
                                JOIN cc4c_outboxnotification o ON o.id = m.outbox_id
                                WHERE m.appointment_id = a.id AND m.kind = 'reminder'
                                  AND o.status = 'delivered') AS reminded,
                        EXISTS (SELECT 1 FROM clinics_appointment b
                                WHERE b.slot_id = a.slot_id AND b.id > a.id
                                  AND b.status NOT IN ('cancelled_by_family',
                                                       'cancelled_by_clinic')) AS rebooked
                 FROM clinics_appointment a JOIN clinics_slot sl ON sl.id = a.slot_id
                 JOIN clinics_clinicsession s ON s.id = sl.session_id
                 WHERE s.date BETWEEN %(from)s AND %(to)s AND s.status <> 'cancelled') held
           GROUP BY GROUPING SETS ((), (hub_id), (2))""",
        # Hospital activity per hub and activity, for the comparison practices (hub NULL), and
        # per month for the hubs together (the SPC charts), in one pass.
        """SELECT p.hub_id, p.comparison, h.month, h.activity,
                  sum(h.count) FILTER (WHERE h.month >= %(from)s),
                  sum(h.count) FILTER (WHERE h.month < %(from)s)
           FROM evaluation_hospitalactivity h JOIN hubs_practice p ON p.id = h.practice_id
           WHERE h.month BETWEEN %(baseline_from)s AND %(to)s
           GROUP BY GROUPING SETS ((p.hub_id, h.activity), (p.comparison, h.activity),
                                   (p.comparison, h.month, h.activity))""",
        # Children registered on the baseline's and the period's last days and at each month
        # end of the SPC charts, per hub and for the comparison practices: the rates' divisors.
        f"""SELECT p.hub_id, {", ".join(_registered_on(day) for day in _denominator_days())}
           FROM population_child c JOIN hubs_practice p ON p.id = c.practice_id
           GROUP BY p.hub_id""",  # noqa: S608
        # The programmes, last: their rows are compared with the report's.
        EVALUATION_PROGRAMME_SQL,
        EVALUATION_HOSPITAL_EVENTS_SQL,
    ]


# The programmes' measures as at the period's last day, written by hand (what
# population.metrics.programme_measures gives): each shipped programme's register per hub, and
# per hub and due care process the register children not excluded and those in date, overall
# and in IMD quintile 1 (GROUPING SETS); then each hub's ED attendances and admissions in the
# period of the children the rates divide by.
EVALUATION_PROGRAMME_SQL = """
WITH prog AS MATERIALIZED (
  SELECT p.id, p.key, p.whole_population, p.min_age, p.max_age,
         coalesce((SELECT array_agg(DISTINCT code) FROM population_programme_value_sets pv
                   JOIN population_valueset v ON v.id = pv.valueset_id, unnest(v.codes) code
                   WHERE pv.programme_id = p.id), '{}') AS codes
  FROM population_programme p WHERE p.key = ANY(%(programmes)s)
),
reg AS (
  SELECT c.id, pr.hub_id, coalesce(c.imd_decile <= 2, false) AS core20,
         c.asthma_plan_reviewed_on, prog.id AS programme_id, prog.key AS programme
  FROM population_child c JOIN hubs_practice pr ON pr.id = c.practice_id
  JOIN prog ON (prog.whole_population OR c.conditions && prog.codes)
   AND c.date_of_birth > %(to)s::date - make_interval(years => prog.max_age + 1)
   AND c.date_of_birth <= %(to)s::date - make_interval(years => prog.min_age)
  WHERE pr.hub_id IS NOT NULL AND c.registered_on <= %(to)s
    AND (c.deregistered_on IS NULL OR c.deregistered_on > %(to)s)
    AND c.date_of_birth > %(to)s::date - interval '18 years'
),
last AS (
  SELECT e.child_id, e.process_id, max(e.done_on) AS d FROM population_careevent e
  WHERE e.done_on <= %(to)s GROUP BY 1, 2
)
SELECT reg.hub_id, reg.programme, p.key, reg.core20, count(DISTINCT reg.id),
  count(*) FILTER (WHERE x.child_id IS NULL) AS eligible,
  count(*) FILTER (WHERE x.child_id IS NULL AND CASE WHEN p.after_id IS NULL
    THEN greatest(l.d, CASE WHEN p.reads_asthma_plan_date
                            AND reg.asthma_plan_reviewed_on <= %(to)s
                            THEN reg.asthma_plan_reviewed_on END) + p.interval_days > %(to)s
    ELSE t.d IS NULL OR l.d >= t.d OR t.d + p.interval_days > %(to)s END) AS in_date
FROM reg JOIN population_careprocess p
  ON p.programme_id = reg.programme_id AND p.interval_days IS NOT NULL
LEFT JOIN last l ON l.child_id = reg.id AND l.process_id = p.id
LEFT JOIN last t ON t.child_id = reg.id AND t.process_id = p.after_id
LEFT JOIN (SELECT DISTINCT child_id, process_id FROM population_exclusion
           WHERE until >= %(to)s AND recorded_at::date <= %(to)s) x
  ON x.child_id = reg.id AND x.process_id = p.id
GROUP BY GROUPING SETS ((reg.hub_id, reg.programme), (reg.hub_id, reg.programme, p.key),
                        (reg.hub_id, reg.programme, p.key, reg.core20))
"""
EVALUATION_HOSPITAL_EVENTS_SQL = """
SELECT pr.hub_id, h.kind, count(*)
FROM population_hospitalevent h JOIN population_child c ON c.id = h.child_id
JOIN hubs_practice pr ON pr.id = c.practice_id
WHERE pr.hub_id IS NOT NULL AND h.occurred_on BETWEEN %(from)s AND %(to)s
  AND h.kind IN ('ed_attendance', 'admission') AND c.registered_on <= %(to)s
  AND (c.deregistered_on IS NULL OR c.deregistered_on > %(to)s)
  AND c.date_of_birth > %(to)s::date - interval '18 years'
GROUP BY 1, 2
"""


def hand_programme_figures(programme_rows, event_rows):
    """{hub id: {hidden count or register key: value}} from the two hand-written statements,
    named as programme_measures names them, for the figures to be compared."""
    from population.metrics import UNPLANNED_MEASURES

    figures = {}
    for hub_id, programme, process, core20, register, eligible, in_date in programme_rows:
        mine = figures.setdefault(hub_id, {})
        if process is None:
            mine[f"programme_{programme}_register"] = register
            continue
        if core20 is None or core20:  # the whole register, or its quintile 1
            part = "" if core20 is None else "_core20"
            mine[f"_programme_{programme}_{process}{part}_n"] = in_date
            mine[f"_programme_{programme}_{process}{part}_d"] = eligible
    names = dict(UNPLANNED_MEASURES)
    for hub_id, kind, count in event_rows:
        figures.setdefault(hub_id, {})[f"_hospital_events_{names[kind]}_n"] = count
    return figures


def programme_disagreements(hand, result):
    """How many of the report's programme counts per hub differ from the hand-written ones (a
    count the statements do not give is 0)."""
    from population.metrics import programme_measure_keys

    compared = [
        key
        for key in programme_measure_keys()
        if key.endswith(("_register", "_n", "_d")) and key != "_hospital_events_children"
    ]
    differ = 0
    for hub in result["hubs"]:
        values, mine = result["rows"][hub["code"]], hand.get(hub["id"], {})
        differ += sum(values[key] != mine.get(key, 0) for key in compared)
    return differ


def _denominator_days():
    import datetime

    from evaluation.metrics import chart_months
    from evaluation.periods import Period, last_of_month

    period = Period.of(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    months = [last_of_month(month) for month in chart_months(period)]
    return list(dict.fromkeys([period.baseline_to, period.date_to, *months]))


def _registered_on(day):
    return (
        f"count(*) FILTER (WHERE c.registered_on <= '{day}' AND (c.deregistered_on IS NULL "
        f"OR c.deregistered_on > '{day}') "
        f"AND c.date_of_birth > '{day}'::date - interval '18 years')"
    )


def run_sql(statements, params, rows=None):
    """Seconds to run the statements and fetch their rows (kept in ``rows``, a list, if given)."""
    from django.db import connection

    with Timer() as t, connection.cursor() as cursor:
        for sql in statements:
            try:
                cursor.execute(sql, params)
                fetched = cursor.fetchall()
            except Exception as exc:  # a table a section has not built yet
                print(f"  (baseline statement skipped: {str(exc).splitlines()[0]})")
                connection.rollback()
                fetched = []
            if rows is not None:
                rows.append(fetched)
    return t.seconds


def signed_in_cookie():
    """A session for a person with every staff role in the first synthetic hub, with MFA."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from hubs.models import Hub, Membership, Person, Role

    hub = Hub.objects.order_by("code").first()
    person, _ = Person.objects.get_or_create(
        email="bench@example.nhs.uk", defaults={"is_staff": True}
    )
    for role in (Role.GP, Role.PAEDIATRICIAN, Role.COORDINATOR, Role.COMMISSIONER):
        Membership.objects.get_or_create(person=person, hub=hub, role=role)
    if not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(person, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # once: --reuse runs again
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    return person, hub, f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def get(port, path, cookie):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    return elapsed


def latency(port, path, cookie, count):
    get(port, path, cookie)  # warm
    times = sorted(get(port, path, cookie) for _ in range(count))
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


def latency_after_change(port, path, cookie, count):
    """A programme worklist page's median and p95 when each look follows a committed change to
    what it reads, so that nothing the server kept can serve it: the page's own work."""
    from django.db import connection

    def look():
        with connection.cursor() as cursor:  # a change of nothing still raises the version
            cursor.execute("UPDATE population_careprocess SET id = id WHERE false")
        return get(port, path, cookie)

    look()  # warm
    times = sorted(look() for _ in range(count))
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


def throughput(port, path, cookie, seconds, concurrency):
    done = []
    stop = time.monotonic() + seconds

    def worker():
        count = 0
        while time.monotonic() < stop:
            get(port, path, cookie)
            count += 1
        done.append(count)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def main():
    args = parse_args()
    bench_url, admin_url = bench_database_url(args.database)
    sizes = (
        [(size, max(1, round(size / CHILDREN_PER_HUB))) for size in args.sizes]
        if args.scales
        else [(args.children, args.hubs)]
    )
    os.environ["DATABASE_URL"] = bench_url
    # The web server runs as in production; both ends share the secret that signs sessions.
    os.environ["SECRET_KEY"] = BENCH_SECRET
    # Production settings need the site's address; the bench serves on loopback.
    os.environ.setdefault("SITE_URL", f"https://127.0.0.1:{args.port}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cc4c.settings")
    import django

    django.setup()
    from cc4c.validators import SYNTHETIC_NHS_NUMBERS

    largest = max(children for children, _ in sizes)
    if largest > SYNTHETIC_NHS_NUMBERS:  # refused before anything is built, in one line
        raise SystemExit(
            f"Synthetic NHS numbers run to {SYNTHETIC_NHS_NUMBERS:,} children at most; "
            f"{largest:,} asked for (docs/synthetic-data.md)."
        )
    args.all_sizes = sizes
    for children, hubs in sizes:
        SIZE[0] = children
        with Timer() as t:
            measure_size(args, children, hubs, admin_url)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        print(f"{children:,} children measured in {t.seconds / 60:.1f} min; database {size}")
    print_table()


def peer_resource():
    """The children file as a Django team would import it: a django-import-export resource of
    the Child model, keyed on the NHS number, each row validated by the model (full_clean) and
    the practice found by its ODS code; rows equal to the stored ones are skipped."""
    from import_export import fields, resources, widgets

    from hubs.models import Practice
    from population.models import Child

    class ChildResource(resources.ModelResource):
        practice = fields.Field(
            attribute="practice",
            column_name="practice_ods",
            widget=widgets.ForeignKeyWidget(Practice, field="ods_code"),
        )
        conditions = fields.Field(
            attribute="conditions", widget=widgets.SimpleArrayWidget(separator=";")
        )
        flags = fields.Field(attribute="flags", widget=widgets.SimpleArrayWidget(separator=";"))

        class Meta:
            model = Child
            import_id_fields = ("nhs_number",)
            fields = (
                "nhs_number",
                "given_name",
                "family_name",
                "date_of_birth",
                "sex",
                "postcode",
                "practice",
                "registered_on",
                "deregistered_on",
                "conditions",
                "flags",
                "asthma_plan_reviewed_on",
                "imd_decile",
            )
            skip_unchanged = True
            report_skipped = False
            clean_model_instances = True
            use_transactions = True

    return ChildResource()


def measure_peer(args, path):
    """The first ``--peer-rows`` children imported by the peer and by this project, each into
    an empty children table (emptied again after)."""
    import tablib
    from django.db import connection

    from cc4c.imports import run_import

    with path.open(encoding="utf-8") as handle:
        lines = list(itertools.islice(handle, args.peer_rows + 1))
    rows = len(lines) - 1
    sample = path.with_name(f"children-first-{rows}.csv")
    sample.write_text("".join(lines), encoding="utf-8")
    print(f"The peer: {rows:,} children with django-import-export vs this import", flush=True)

    def empty():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE population_child, population_historicalchild CASCADE")

    empty()
    dataset = tablib.Dataset().load(sample.read_text(encoding="utf-8"), format="csv")
    with Timer() as peer:
        result = peer_resource().import_data(dataset, dry_run=False, raise_errors=True)
    if result.totals["new"] != rows:
        raise SystemExit(f"the peer created {result.totals['new']:,} of {rows:,} children")
    empty()
    with Timer() as ours:
        run_import("children", sample)
    empty()
    figure(
        f"django-import-export, {rows:,} children, vs this import",
        peer.seconds,
        ours.seconds,
    )


def measure_size(args, children, hubs, admin_url):
    """Every figure at one size, in a database built for it."""
    from django.core.management import call_command
    from django.db import connections

    if not args.reuse:
        print(f"Building the bench database and {children:,} children in {hubs} hubs", flush=True)
        connections.close_all()
        recreate_database(admin_url, args.database)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)

    if args.reuse:
        measure_evaluation_and_pages(args)
        return

    from cc4c.imports import registered_kinds, run_import
    from cc4c.synthetic import generate

    comparison = max(1, hubs // 10)  # comparison practices outside every hub
    data = ROOT / "var" / "bench" / f"{children}-{hubs}-{args.seed}-{comparison}"
    if not (data / "champion-activities.csv").exists():
        with Timer() as t:
            generate(data, children=children, hubs=hubs, seed=args.seed, comparison=comparison)
        print(f"  synthetic data written in {t.seconds:.1f} s", flush=True)

    run_import("practices", data / "practices.csv")
    if args.peer_rows and children == min(size for size, _ in args.all_sizes):
        measure_peer(args, data / "children.csv")
    print("Children import vs COPY of the same file", flush=True)
    copy_seconds = copy_baseline(data / "children.csv")
    floor_seconds, floor_rows = copy_floor(data / "children.csv")
    if floor_rows != children:
        raise SystemExit(f"the floor loaded {floor_rows:,} of {children:,} children")
    # Each step of an import, timed (cc4c.imports.sql.step).
    import logging

    steps = logging.getLogger("cc4c.imports")
    steps.setLevel(logging.DEBUG)
    with Timer() as t:
        run_import("children", data / "children.csv")
    figure(
        f"children import ({children:,} rows) vs COPY into a children table",
        t.seconds,
        floor_seconds,
        target="≤ 3×",
        scaling="children import",
        scaling_target="k ≤ 1.1",
    )
    figure("children import vs plain COPY", t.seconds, copy_seconds)
    with Timer() as t:
        run_import("children", data / "children.csv")
    figure(
        "children re-import, unchanged, vs plain COPY",
        t.seconds,
        copy_seconds,
        target="≤ 2×",
        scaling="children re-import, unchanged",
        scaling_target="k ≤ 1.1",
    )
    steps.setLevel(logging.NOTSET)

    print("Segmentation vs one hand-written statement", flush=True)
    from population.segmentation import resegment_children

    baseline = run_sql([SEGMENT_SQL], {})
    with Timer() as t:
        resegment_children()
    figure(
        "segmentation of all children vs hand SQL",
        t.seconds,
        baseline,
        target="≤ 2×",
        scaling="segmentation of all children",
        scaling_target="k ≤ 1.1",
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM ({SEGMENT_SQL}) s JOIN population_child c ON c.id = s.id "  # noqa: S608
            "WHERE c.segment <> s.segment"
        )
        disagree = cursor.fetchone()[0]
    print(f"  children whose segment differs from the hand-written SQL: {disagree}")
    if args.import_only:
        return

    for kind in registered_kinds():
        # The synthetic data has no carers: families' contacts are no evaluation activity.
        if kind in ("practices", "children") or not (data / f"{kind}.csv").exists():
            continue
        with Timer() as t:
            run_import(kind, data / f"{kind}.csv")
        print(f"  imported {kind} in {t.seconds:.1f} s", flush=True)

    measure_evaluation_and_pages(args)


def measure_evaluation_and_pages(args):
    from django.db import connection

    # The children table with the statistics autovacuum keeps in service: a small run gets
    # here before autovacuum has analyzed it, and the programmes' statements planned without
    # them take ten times as long (20,000 children: 4 s instead of 0.4 s for the report).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE population_child")
    measure_programmes(args)
    print(
        "Evaluation report (with SPC charts and comparison practices) for every hub over 12 "
        "months vs hand-written SQL",
        flush=True,
    )
    import datetime

    from evaluation.compose import compute
    from evaluation.periods import Period
    from hubs.models import Hub

    period = Period.of(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    from population.metrics import MEASURED_PROGRAMMES

    params = {
        "from": period.date_from,
        "to": period.date_to,
        "baseline_from": period.baseline_from,
        "programmes": [key for key, _title, _processes in MEASURED_PROGRAMMES],
    }
    statements = evaluation_sql()

    from evaluation import spc

    built = {}

    def report():
        with Timer() as t:
            built["result"] = compute(Hub.objects.order_by("code"), period)
            spc.charts(built["result"], suppressed=False)
        return t.seconds

    # Both sides run three times, alternating, and each keeps its best: a sub-second figure on a
    # shared machine otherwise moves by half with whatever else runs at that moment.
    baseline, seconds = [], []
    for _ in range(EVALUATION_RUNS):
        rows = []
        baseline.append(run_sql(statements, params, rows))
        seconds.append(report())
    hand = hand_programme_figures(rows[-2], rows[-1])
    disagree = programme_disagreements(hand, built["result"])
    figure(
        f"evaluation with SPC and comparison, all hubs, 12 months vs hand SQL "
        f"(best of {EVALUATION_RUNS})",
        min(seconds),
        min(baseline),
        target="≤ 2×, < 10 s",
        scaling="evaluation report, all hubs, 12 months",
        scaling_target="k ≤ 1.1",
    )
    print(f"  programme counts per hub that differ from the hand-written SQL: {disagree}")

    print("Pages through gunicorn and HTTP vs a constant view", flush=True)
    person, hub, cookie = signed_in_cookie()
    from evaluation.models import EvaluationReport
    from evaluation.services import build

    report = EvaluationReport.objects.create(
        period_from=period.date_from,
        period_to=period.date_to,
        baseline_from=period.baseline_from,
        baseline_to=period.baseline_to,
        requested_by=person,
    )
    report.hubs.set([hub])
    build(report.pk)
    pages = {
        "hub population page": f"/population/hub/{hub.pk}/",
        "segment list page": f"/population/hub/{hub.pk}/segment/3/",
        "advice queue": "/advice/",
        "clinic list": "/clinics/",
        "commissioner report page": f"/reports/{report.pk}/",
        "asthma programme worklist page": f"/population/hub/{hub.pk}/programmes/asthma/",
        "oral health programme worklist page": (
            f"/population/hub/{hub.pk}/programmes/oral_health/"
        ),
    }
    from mdt.models import Meeting

    meeting = Meeting.objects.filter(hub=hub).order_by("-starts_at").first()
    if meeting:
        pages["MDT meeting page"] = f"/mdt/meetings/{meeting.pk}/"
    # Production settings serve static files from the collected manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=dict(os.environ, DEBUG="0"),
        check=True,
    )
    env = dict(
        os.environ,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cc4c.wsgi:application",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                get(args.port, "/ping", "")
                break
            except OSError:
                time.sleep(0.2)
        base_median, base_p95 = latency(args.port, "/ping", cookie, args.requests)
        for name, path in pages.items():
            median, p95 = latency(args.port, path, cookie, args.requests)
            figure(f"{name}: median latency", median * 1000, base_median * 1000, "ms")
            figure(
                f"{name}: p95 latency",
                p95 * 1000,
                base_p95 * 1000,
                "ms",
                target="≤ 300 ms",
                scaling=f"{name}: p95",
                scaling_target="≤ 300 ms, flat",
            )
        # The worklist page against its rows written by hand (the page's own work in SQL).
        from django.utils import timezone

        hand = [
            run_sql([WORKLIST_SQL], {"hub": hub.pk, "today": timezone.localdate()})
            for _ in range(args.requests)
        ]
        hand.sort()
        _median, p95 = latency_after_change(
            args.port, pages["asthma programme worklist page"], cookie, args.requests
        )
        figure(
            "asthma programme worklist page after a change: p95 vs its rows by hand SQL (p95)",
            p95 * 1000,
            hand[int(0.95 * (len(hand) - 1))] * 1000,
            "ms",
            target="≤ 300 ms",
        )
        loaded = ("advice queue", "asthma programme worklist page")
        for name in loaded:
            rate = throughput(args.port, pages[name], cookie, args.load_seconds, args.concurrency)
            base_rate = throughput(args.port, "/ping", cookie, args.load_seconds, args.concurrency)
            figure(
                f"{name} requests/s ({args.concurrency} clients)",
                rate,
                base_rate,
                "req/s",
                target="≥ 0.5×",
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def print_table():
    several = len({row[0] for row in ROWS}) > 1
    header = ["children", "figure", "value", "baseline", "ratio", "target"]
    rows = [header, *ROWS] if several else [r[1:] for r in [header, *ROWS]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    left = {0, len(widths) - 1} | ({1} if several else set())
    print()
    for row in rows:
        print(
            "  ".join(
                f"{c:<{w}}" if i in left else f"{c:>{w}}"
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    if len({size for values in SCALING.values() for size in values}) > 1:
        print_scaling()


def exponent(size_a, value_a, size_b, value_b):
    """k of value ∝ size^k between two sizes."""
    return math.log(value_b / value_a) / math.log(size_b / size_a)


def print_scaling():
    """Each figure at each size and the growth exponent k between consecutive sizes."""
    sizes = sorted({size for values in SCALING.values() for size in values})
    steps = list(itertools.pairwise(sizes))
    header = (
        ["figure"]
        + [f"{size:,}" for size in sizes]
        + [f"k {short(a)}→{short(b)}" for a, b in steps]
        + ["target"]
    )
    rows = []
    for (name, unit), values in SCALING.items():
        cells = [f"{values[size]:.3f} {unit}" if size in values else "" for size in sizes]
        ks = [
            f"{exponent(a, values[a], b, values[b]):.2f}" if a in values and b in values else ""
            for a, b in steps
        ]
        rows.append([name, *cells, *ks, SCALING_TARGETS[(name, unit)]])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    print("Scaling: time ∝ size^k between consecutive sizes (hubs in proportion)")
    for row in [header, *rows]:
        print(
            "  ".join(
                f"{c:<{w}}" if i in (0, len(row) - 1) else f"{c:>{w}}"
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )


def short(size):
    """100k, 1.6M."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:g}M"
    return f"{size / 1_000:g}k" if size >= 1_000 else str(size)


if __name__ == "__main__":
    main()
