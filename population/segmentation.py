"""Turns the segmentation rules (data, edited in the admin site) into each child's segment.

Set-based: one UPDATE for however many children, matching conditions and flags with array
overlap on the GIN-indexed ``conditions`` / ``flags`` columns. A child is in the segment of the
highest-numbered rule they match (none: segment 1), and their reasons are the human text of
every rule they match (docs/population-framework.md).
"""

from django.db import connection, transaction
from django.utils import timezone

from population.models import HOSPITAL_EVENTS_PLURAL, Flag, ValueSetKind

ASTHMA_VALUE_SET = "asthma"
ASTHMA_PLAN_DAYS = 365

# Segment and reasons of each distinct (conditions, flags) pair among ``children`` (a CTE the
# statement defines first): children with the same pair share them, and a population of
# hundreds of thousands holds a few thousand pairs.
_SEGMENTS_SQL = """
scope AS (
    SELECT row_number() OVER () AS id, conditions, flags, hospital
    FROM (SELECT DISTINCT conditions, flags, hospital FROM children) pairs
),
rules AS (
    SELECT r.id, r.condition, r.value_set_id, r.flag, r.count, s.number
    FROM population_segmentrule r JOIN population_segment s ON s.id = r.segment_id
),
hospital_rules AS (
    SELECT r.id, s.number,
           r.count || ' or more ' || coalesce(hl.label, r.hospital_kind)
           || coalesce(' with ' || v.title, '') || ' in ' || r.within_days || ' days' AS reason
    FROM population_segmentrule r JOIN population_segment s ON s.id = r.segment_id
    LEFT JOIN population_valueset v ON v.id = r.value_set_id
    LEFT JOIN unnest(%(hospital_codes)s::text[], %(hospital_labels)s::text[]) AS hl(code, label)
         ON hl.code = r.hospital_kind
    WHERE r.condition = 'hospital_events'
),
value_sets AS (
    SELECT v.id, v.kind, v.codes,
           v.title || ' (' || CASE v.kind WHEN 'long_term' THEN %(long_term)s
                                          ELSE %(complex)s END || ')' AS reason
    FROM population_valueset v
    WHERE v.id IN (SELECT value_set_id FROM rules WHERE value_set_id IS NOT NULL)
       OR (v.kind = 'long_term' AND EXISTS (
               SELECT 1 FROM rules WHERE condition IN ('exactly_long_term', 'at_least_long_term')))
),
matched_sets AS (
    SELECT sc.id AS child_id, v.id AS value_set_id, v.kind, v.reason
    FROM value_sets v JOIN scope sc ON sc.conditions && v.codes
),
long_term AS (
    SELECT child_id, count(*) AS n FROM matched_sets WHERE kind = 'long_term' GROUP BY child_id
),
flag_labels AS (
    SELECT * FROM unnest(%(flag_codes)s::text[], %(flag_labels)s::text[]) AS f(code, label)
),
matched AS (
    SELECT m.child_id, r.number, m.reason
    FROM rules r JOIN matched_sets m ON m.value_set_id = r.value_set_id
    WHERE r.condition = 'value_set'
  UNION ALL
    SELECT sc.id, hr.number, hr.reason
    FROM scope sc JOIN hospital_rules hr ON hr.id = ANY(sc.hospital)
  UNION ALL
    SELECT sc.id, r.number, coalesce(fl.label, r.flag)
    FROM rules r
    JOIN scope sc ON sc.flags && ARRAY[r.flag]::varchar(30)[]
    LEFT JOIN flag_labels fl ON fl.code = r.flag
    WHERE r.condition = 'flag'
  UNION ALL
    -- A count rule's reasons are the long-term value sets it counted.
    SELECT m.child_id, r.number, m.reason
    FROM rules r
    JOIN long_term lt ON (r.condition = 'exactly_long_term' AND lt.n = r.count)
                      OR (r.condition = 'at_least_long_term' AND lt.n >= r.count)
    JOIN matched_sets m ON m.child_id = lt.child_id AND m.kind = 'long_term'
    WHERE r.count > 0
  UNION ALL
    -- "Exactly 0" or "at least 0" long-term value sets: children with none count too.
    SELECT sc.id, r.number, %(no_long_term)s
    FROM rules r CROSS JOIN scope sc LEFT JOIN long_term lt ON lt.child_id = sc.id
    WHERE r.count = 0 AND (r.condition = 'at_least_long_term' OR lt.child_id IS NULL)
),
reasons AS (
    SELECT child_id, reason, max(number) AS number FROM matched GROUP BY child_id, reason
),
result AS (
    SELECT child_id, max(number) AS segment,
           array_agg(reason ORDER BY number DESC, reason)::varchar(200)[] AS reasons
    FROM reasons GROUP BY child_id
),
segments AS (
    SELECT scope.conditions, scope.flags, scope.hospital, coalesce(result.segment, 1) AS segment,
           coalesce(result.reasons, '{{}}'::varchar(200)[]) AS segment_reasons
    FROM scope LEFT JOIN result ON result.child_id = scope.id
)
"""

# The hospital rules each child meets (their ids, in order): children with the same
# conditions, flags and hospital rules met share a segment.
_HOSPITAL_SQL = """
hospital_met AS (
    SELECT child_id, array_agg(rule_id ORDER BY rule_id) AS rules FROM (
        SELECT e.child_id, r.id AS rule_id
        FROM population_segmentrule r
        JOIN population_hospitalevent e
          ON e.kind = r.hospital_kind AND e.occurred_on <= %(today)s
         AND e.occurred_on > %(today)s::date - r.within_days
        LEFT JOIN population_valueset v ON v.id = r.value_set_id
        WHERE r.condition = 'hospital_events'
          AND (r.value_set_id IS NULL OR e.diagnosis = ANY(v.codes))
        GROUP BY e.child_id, r.id, r.count HAVING count(*) >= r.count
    ) met GROUP BY child_id
)"""

_RESEGMENT_SQL = (
    "WITH "  # noqa: S608
    + _HOSPITAL_SQL
    + ", children AS (SELECT c.id, c.conditions, c.flags, "
    "coalesce(h.rules, '{{}}'::bigint[]) AS hospital "
    "FROM population_child c LEFT JOIN hospital_met h ON h.child_id = c.id WHERE {where}), "
    + _SEGMENTS_SQL
    + """
UPDATE population_child c
SET segment = s.segment, segment_reasons = s.segment_reasons
FROM children ch JOIN segments s ON s.conditions = ch.conditions AND s.flags = ch.flags
     AND s.hospital = ch.hospital
WHERE c.id = ch.id
  AND (c.segment IS DISTINCT FROM s.segment OR c.segment_reasons IS DISTINCT FROM s.segment_reasons)
"""
)


def _params():
    return {
        "long_term": ValueSetKind.LONG_TERM.label,
        "complex": ValueSetKind.COMPLEX.label,
        "no_long_term": "No long-term condition",
        "flag_codes": [f.value for f in Flag],
        "flag_labels": [f.label for f in Flag],
        "hospital_codes": [str(kind) for kind in HOSPITAL_EVENTS_PLURAL],
        "hospital_labels": list(HOSPITAL_EVENTS_PLURAL.values()),
        "today": timezone.localdate(),
    }


def segments_table(name, children_sql):
    """Create the temporary table ``name`` of (conditions, flags, segment, segment_reasons)
    for each distinct pair ``children_sql`` selects (as ``conditions, flags``, neither NULL):
    what resegmenting children holding that pair gives them. For an import to write each
    child with its segment at once."""
    table = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TABLE IF EXISTS {table}; CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS "  # noqa: S608
            f"WITH children AS (SELECT conditions, flags, '{{}}'::bigint[] AS hospital "
            f"FROM ({children_sql}) given), {_SEGMENTS_SQL.format()} "
            "SELECT conditions, flags, segment, segment_reasons FROM segments; "
            f"ANALYZE {table}",
            _params(),
        )


def has_hospital_rules():
    """Whether any segmentation rule counts hospital events (then an import of children or of
    hospital events re-segments the children with events)."""
    from population.models import SegmentRule

    return SegmentRule.objects.filter(condition="hospital_events").exists()


def resegment_children(child_ids=None, practice_ids=None, *, id_table=None):
    """Recompute segment and reasons for the given children/practices (all when none given).

    ``id_table`` names a (temporary) table of child ids, e.g. the children an import wrote.
    Returns the number of children whose segment or reasons changed.
    """
    clauses, params = [], {}
    if id_table is not None:
        table = connection.ops.quote_name(id_table)
        clauses.append(f"c.id IN (SELECT id FROM {table})")  # noqa: S608
    if child_ids is not None:
        clauses.append("c.id = ANY(%(child_ids)s)")
        params["child_ids"] = list(child_ids)
    if practice_ids is not None:
        clauses.append("c.practice_id = ANY(%(practice_ids)s)")
        params["practice_ids"] = list(practice_ids)
    params.update(_params())
    sql = _RESEGMENT_SQL.format(where=" AND ".join(clauses) or "TRUE")
    # One statement: inside a caller's transaction it needs no savepoint of its own.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


_SNAPSHOT_SQL = """
INSERT INTO population_segmentsnapshot
    (month_end, child_id, practice_id, segment, on_asthma_register, asthma_plan_current)
SELECT %(day)s, c.id, c.practice_id, c.segment,
       coalesce(c.conditions && a.codes, false),
       coalesce(c.conditions && a.codes
                AND c.asthma_plan_reviewed_on > %(day)s::date - %(plan_days)s
                AND c.asthma_plan_reviewed_on <= %(day)s, false)
FROM population_child c
LEFT JOIN population_valueset a ON a.name = %(asthma)s
WHERE c.registered_on <= %(day)s AND (c.deregistered_on IS NULL OR c.deregistered_on > %(day)s)
ON CONFLICT (child_id, month_end) DO UPDATE SET
    practice_id = EXCLUDED.practice_id,
    segment = EXCLUDED.segment,
    on_asthma_register = EXCLUDED.on_asthma_register,
    asthma_plan_current = EXCLUDED.asthma_plan_current
"""


def take_month_end_snapshot(day):
    """Keep every child registered on ``day`` with their segment then, and each programme's
    coverage per practice (population.programmes.engine); safe to run twice."""
    from population.programmes import engine

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _SNAPSHOT_SQL, {"day": day, "asthma": ASTHMA_VALUE_SET, "plan_days": ASTHMA_PLAN_DAYS}
        )
        kept = cursor.rowcount
        engine.take_programme_snapshots(day)
        return kept
