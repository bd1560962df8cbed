"""The programme engine: each register child's status for each care process, in one statement.

Set-based: a register child × care process pair is one row of one SQL statement (no loop per
child), from the latest care event of each pair, the latest event of the process it follows
and any exclusion in force. The worklist, its CSV, coverage and the evaluation's measures all
read this one statement, so they always agree (docs/population-framework.md, "Programmes").

Statuses: ``never`` (an interval process never done), ``overdue`` (due on or before today),
``due`` (due in the next ``DUE_SOON_DAYS``), ``in_date``, ``not_due`` (a process that follows
another, with nothing to follow) and ``excluded`` (an exclusion in force: out of the worklist
and of the coverage denominator).
"""

import datetime
import hashlib
import re

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from population.models import ETHNIC_GROUPS
from population.programmes import kept
from population.programmes.models import UNPLANNED, Programme

DUE_SOON_DAYS = 30
HOSPITAL_USE_DAYS = 365
WORKLIST_STATUSES = ("never", "overdue", "due")
IN_DATE_STATUSES = ("in_date", "due", "not_due")
STATUS_LABELS = {
    "never": "Never done",
    "overdue": "Overdue",
    "due": "Due soon",
    "in_date": "In date",
    "not_due": "Nothing to follow up",
    "excluded": "Excluded",
}


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def with_register_codes(programmes):
    """``programmes`` (a queryset) with each one's register codes read in the same query."""
    return programmes.annotate(
        _register_codes=RawSQL(  # noqa: S611  # nosec B611 - no value in it
            "SELECT coalesce(array_agg(DISTINCT code ORDER BY code), '{}') "
            "FROM population_programme_value_sets pv "
            "JOIN population_valueset v ON v.id = pv.valueset_id "
            "CROSS JOIN unnest(v.codes) AS code WHERE pv.programme_id = population_programme.id",
            (),
        )
    )


def register_codes(programme):
    """The SNOMED CT codes of the programme's value sets (one query, then kept on it; none
    for a programme read with_register_codes)."""
    if not hasattr(programme, "_register_codes"):
        codes = set()
        for value_set_codes in programme.value_sets.values_list("codes", flat=True):
            codes.update(value_set_codes)
        programme._register_codes = sorted(codes)
    return programme._register_codes


def on_register(children, programme, today=None, codes=None):
    """Those of ``children`` on the programme's register on ``today``: in its age band and
    matching one of its value sets (or every child of the band for a whole-population one)."""
    today = today or timezone.localdate()
    children = children.filter(
        date_of_birth__gt=_years_before(today, programme.max_age + 1),
        date_of_birth__lte=_years_before(today, programme.min_age),
    )
    if programme.whole_population:
        return children
    codes = register_codes(programme) if codes is None else codes
    return children.filter(conditions__overlap=codes) if codes else children.none()


_ITEMS_SQL = """
reg AS ({children}),
proc AS (
    SELECT p.id, p.interval_days, p.after_id, p.reads_asthma_plan_date
    FROM population_careprocess p
    WHERE p.programme_id {programme} AND p.interval_days IS NOT NULL {process_clause}
),
done AS ({done}),
excluded AS (
    SELECT DISTINCT ON (x.child_id, x.process_id) x.child_id, x.process_id, x.reason, x.until
    FROM population_exclusion x JOIN reg ON reg.id = x.child_id
    WHERE x.until >= %(today)s AND x.recorded_at::date <= %(today)s
      AND x.process_id IN (SELECT id FROM proc)
    ORDER BY x.child_id, x.process_id, x.until DESC
),
paired AS (
    SELECT reg.id AS child_id, reg.practice_id, proc.id AS process_id, proc.after_id,
           CASE WHEN proc.reads_asthma_plan_date
                THEN greatest(d.last, CASE WHEN reg.asthma_plan_reviewed_on <= %(today)s
                                           THEN reg.asthma_plan_reviewed_on END)
                ELSE d.last END AS last_done,
           t.last AS last_trigger, proc.interval_days,
           x.reason AS excluded_reason, x.until AS excluded_until
    FROM reg CROSS JOIN proc
    LEFT JOIN done d ON d.child_id = reg.id AND d.process_id = proc.id
    LEFT JOIN done t ON t.child_id = reg.id AND t.process_id = proc.after_id
    LEFT JOIN excluded x ON x.child_id = reg.id AND x.process_id = proc.id
),
dated AS (
    SELECT *, CASE WHEN after_id IS NULL THEN last_done + interval_days
                   WHEN last_trigger IS NULL OR last_done >= last_trigger THEN NULL
                   ELSE last_trigger + interval_days END AS due_on
    FROM paired
),
items AS (
    SELECT child_id, practice_id, process_id, last_done, last_trigger, due_on,
           excluded_reason, excluded_until,
           CASE WHEN excluded_reason IS NOT NULL THEN 'excluded'
                WHEN after_id IS NULL AND last_done IS NULL THEN 'never'
                WHEN after_id IS NOT NULL AND last_trigger IS NULL THEN 'not_due'
                WHEN due_on IS NULL THEN 'in_date'
                WHEN due_on <= %(today)s THEN 'overdue'
                WHEN due_on <= %(today)s + %(soon)s THEN 'due'
                ELSE 'in_date' END AS status
    FROM dated
)
"""


# The latest day each register child had each of the programme's processes done: one join of
# the programme's care events (the whole population), or each child's own looked up by the
# index on (child, process, day), which costs the same however large the population grows
# (a hub's or a practice's children).
_DONE_JOINED = """
    SELECT e.child_id, e.process_id, max(e.done_on) AS last
    FROM population_careevent e JOIN reg ON reg.id = e.child_id
    WHERE e.done_on <= %(today)s AND e.process_id IN (
        SELECT id FROM population_careprocess WHERE programme_id {programme})
    GROUP BY 1, 2
"""
_DONE_PER_CHILD = """
    SELECT reg.id AS child_id, d.process_id, d.last
    FROM reg CROSS JOIN LATERAL (
        SELECT e.process_id, max(e.done_on) AS last FROM population_careevent e
        WHERE e.child_id = reg.id AND e.done_on <= %(today)s AND e.process_id IN (
            SELECT id FROM population_careprocess WHERE programme_id {programme})
        GROUP BY e.process_id
    ) AS d
"""
REGISTER_COLUMNS = ("id", "practice_id", "asthma_plan_reviewed_on")


def items_sql(
    children, programme, today=None, process=None, *, registered=False, per_child=False, columns=()
):
    """(the WITH clauses ending in ``items``, params) for the register children among
    ``children`` (a queryset of distinct children: its scope and filters are kept;
    ``registered`` when they are on the register already) and the programme's due processes
    (or one of them). ``per_child`` for a hub's or practice's children (each child's events
    looked up by its index); ``columns``: more of the children's columns kept in ``reg``."""
    today = today or timezone.localdate()
    register = children if registered else on_register(children, programme, today)
    # The columns the statement reads, straight from the children's query (no second look
    # at each child by its key).
    register = register.order_by().values(*REGISTER_COLUMNS, *columns)
    try:
        children_sql, children_params = register.query.sql_with_params()
    except EmptyResultSet:  # a queryset that can hold no child (e.g. no hub, no codes)
        nobody = register.model.objects.filter(pk__isnull=True)  # the same columns, no row
        children_sql, children_params = (
            nobody.order_by().values(*REGISTER_COLUMNS, *columns).query.sql_with_params()
        )
    params = {"today": today, "soon": DUE_SOON_DAYS}
    if isinstance(programme, str):  # a programme named by its key, looked up in the statement
        programme_match = (
            "IN (SELECT id FROM population_programme WHERE key = %(programme_key)s AND active)"
        )
        params["programme_key"] = programme
    else:
        programme_match = "= %(programme)s"
        params["programme"] = programme.pk
    process_clause = ""
    if process == "asthma_plan":
        process_clause = "AND p.reads_asthma_plan_date"
    elif process is not None:
        process_clause = "AND p.id = %(process)s"
        params["process"] = process.pk
    # The children's SQL uses positional parameters: turn them into named ones.
    names = []
    for i, value in enumerate(children_params):
        params[f"c{i}"] = value
        names.append(f"%(c{i})s")
    children_sql = children_sql.replace("%%", "%%%%") % tuple(names) if names else children_sql
    done = (_DONE_PER_CHILD if per_child else _DONE_JOINED).format(programme=programme_match)
    sql = _ITEMS_SQL.format(
        children=children_sql, programme=programme_match, process_clause=process_clause, done=done
    )
    return sql, params


# The version of all the programme pages read (the children, their care events, exclusions and
# hospital events, the programmes and the practices): it rises when a transaction that changed
# any of it commits, at the moment the changes become visible (population migration 0012).
# NULL in a transaction that has changed some of it and not committed yet: what it reads then
# is its own, neither kept nor read from what is kept.
_DATA_VERSION_SQL = (
    "SELECT CASE WHEN coalesce(current_setting('population.programme_data_changed', true) "
    "= txid_current_if_assigned()::text, false) THEN NULL ELSE version END "
    "FROM population_programmedata"
)


def data_version():
    """The version of what the programme pages read, as an expression (to be read before
    what is kept under it), or None in a transaction with changes of its own."""
    return RawSQL(_DATA_VERSION_SQL, ())  # noqa: S611  # nosec B611


# Each worklist page's statement's result, kept in this process under the statement, its
# parameters and the data's version: a change anywhere committed is a new version, so a page
# read after a GP marks a process done is read afresh.
KEPT_PAGES = kept.Recent(size=256)


def _read(sql, params, version=None):
    """(column names, rows) of a statement, kept under ``version`` (data_version(), read
    before) when there is one."""

    def read():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [column.name for column in cursor.description], cursor.fetchall()

    if version is None:
        return read()
    statement = f"{sql}|{sorted(params.items())!r}".encode()
    return KEPT_PAGES.get((version, hashlib.sha256(statement).digest()), read)


class WorklistRows:
    """A programme's worklist rows as a Paginator reads them: ``fetch`` reads one page and how
    many rows there are in one statement (and, for the page of a whole register, the
    programme's summary too); without it ``count()`` is one query and a slice is one query,
    however many rows it holds."""

    ordered = True

    def __init__(
        self,
        children,
        programme,
        *,
        statuses=WORKLIST_STATUSES,
        process=None,
        sort="risk",
        today=None,
        version=None,
    ):
        self.today = today or timezone.localdate()
        self.programme = programme
        self.version = version  # data_version() read before: the page is kept under it
        self.statuses = [s for s in statuses if s in STATUS_LABELS] or list(WORKLIST_STATUSES)
        self.sort = sort if sort in ORDERS else "risk"
        self.process = process
        self.sql, self.params = items_sql(
            children, programme, self.today, process, per_child=True, columns=RANKED_COLUMNS
        )
        self.params["statuses"] = self.statuses
        self.params["since"] = self.today - datetime.timedelta(days=HOSPITAL_USE_DAYS)
        self.params["unplanned"] = [str(kind) for kind in UNPLANNED]
        self._count = None
        self._fetched = None  # (offset, limit, rows) of the page ``fetch`` read
        self.summary = None

    def fetch(self, offset, limit, *, summary=False):
        """Read the rows from ``offset`` (at most ``limit``) and how many there are, in one
        statement; with ``summary`` (the children given are the whole register and every
        process is shown), ``self.summary`` is the programme's summary from the same pass."""
        if summary and self.process is not None:
            raise ValueError("The summary covers every care process: fetch it without one.")
        params = {**self.params, "offset": offset, "limit": limit}
        columns = ""
        if summary:
            params["in_date"] = list(IN_DATE_STATUSES)
            columns = _summary_columns() + ","
        sql = (
            f"WITH {self.sql}, {_ROWS_SQL} "  # noqa: S608
            "SELECT (SELECT count(*) FROM items WHERE status = ANY(%(statuses)s)) AS total,"
            f" {columns} r.* FROM (SELECT 1) AS one "
            f"LEFT JOIN LATERAL ({_page_sql(ORDERS[self.sort])}) AS r ON true "
            f"ORDER BY {ORDERS[self.sort]}"
        )

        names, found = _read(sql, params, self.version)
        first = dict(zip(names, found[0], strict=True))
        self._count = first.pop("total")
        if summary:
            self.summary = _summary(
                self.programme, first.pop("register_size"), first.pop("coverage")
            )
        skip = len(names) - len(first)
        rows = [
            WorklistItem(self.today, zip(names[skip:], row[skip:], strict=True))
            for row in found
            if row[skip] is not None  # the one row of an empty page
        ]
        self._fetched = (offset, limit, rows)
        return rows

    def count(self):
        if self._count is None:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"WITH {self.sql} SELECT count(*) FROM items "  # noqa: S608
                    "WHERE status = ANY(%(statuses)s)",
                    self.params,
                )
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            start = index.start or 0
            limit = None if index.stop is None else max(0, index.stop - start)
            return self._rows(start, limit)
        return self._rows(index, 1)[0]

    def __iter__(self):
        return iter(self._rows(0, None))

    def _rows(self, offset, limit):
        if self._fetched is not None:
            fetched_offset, fetched_limit, rows = self._fetched
            if offset == fetched_offset and (
                limit is not None and (fetched_limit is None or limit <= fetched_limit)
            ):
                return rows[:limit]
        params = {**self.params, "offset": offset, "limit": limit}
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {self.sql}, {_ROWS_SQL} {_page_sql(ORDERS[self.sort])}", params)  # noqa: S608
            names = [column.name for column in cursor.description]
            return [WorklistItem(self.today, zip(names, row, strict=True)) for row in cursor]


# The worklist's rows ranked by what their order reads (from ``reg``), then the page's rows
# joined to what is shown of them.
_ROWS_SQL = """
use AS (
    SELECT h.child_id, count(*) AS n FROM population_hospitalevent h
    WHERE h.kind = ANY(%(unplanned)s) AND h.occurred_on > %(since)s AND h.occurred_on <= %(today)s
      AND h.child_id IN (SELECT child_id FROM items WHERE status = ANY(%(statuses)s))
    GROUP BY h.child_id
),
ranked AS (
    SELECT i.child_id, i.process_id, i.status, i.last_done, i.last_trigger, i.due_on,
           r.segment, r.imd_decile, r.family_name, r.given_name, p.order AS process_order,
           coalesce(u.n, 0) AS hospital_use
    FROM items i
    JOIN reg r ON r.id = i.child_id
    JOIN population_careprocess p ON p.id = i.process_id
    LEFT JOIN use u ON u.child_id = i.child_id
    WHERE i.status = ANY(%(statuses)s)
)
"""
RANKED_COLUMNS = ("segment", "imd_decile", "family_name", "given_name")


def _page_sql(order):
    """The rows of one page (%(limit)s from %(offset)s) of ``ranked``, in ``order``."""
    # The module's own text; every value is a parameter.
    return (
        "SELECT k.*, c.nhs_number, c.date_of_birth, c.segment_reasons, "  # noqa: S608
        "pr.name AS practice_name, p.key AS process_key, p.title AS process_title "
        f"FROM (SELECT * FROM ranked ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s) AS k "
        "JOIN population_child c ON c.id = k.child_id "
        "JOIN hubs_practice pr ON pr.id = c.practice_id "
        "JOIN population_careprocess p ON p.id = k.process_id "
        f"ORDER BY {order}"
    )


# Risk first: the highest segment, then the most hospital use in a year, then the most
# deprived; then the longest overdue (never done first).
ORDERS = {
    "risk": "segment DESC, hospital_use DESC, imd_decile ASC NULLS LAST, due_on ASC NULLS FIRST, "
    "family_name, given_name, child_id, process_order, process_id",
    "due": "due_on ASC NULLS FIRST, segment DESC, family_name, given_name, child_id, "
    "process_order, process_id",
    "name": "family_name, given_name, child_id, process_order, process_id",
}


class WorklistItem(dict):
    """One worklist row (a child and a care process), with the reason it is on the list."""

    def __init__(self, today, pairs):
        super().__init__(pairs)
        self.today = today

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def status_label(self):
        return STATUS_LABELS[self["status"]]

    @property
    def imd_quintile(self):
        return quintile(self["imd_decile"])

    @property
    def reason(self):
        """Why the child is on the worklist for this process: "overdue since 3 Mar 2026
        (last done 3 Mar 2025)"."""
        from cc4c import formatting

        status, due_on = self["status"], self["due_on"]
        last_trigger, last_done = self["last_trigger"], self["last_done"]
        if status == "never":
            return "never done"
        if status not in WORKLIST_STATUSES:
            return self.status_label.lower()
        if last_trigger and (not last_done or last_trigger > last_done):
            since = f"after the event of {formatting.day(last_trigger)}"
        else:
            since = f"last done {formatting.day(last_done)}"
        if status == "overdue":
            return f"overdue since {formatting.day(due_on)} ({since})"
        return f"due by {formatting.day(due_on)} ({since})"


def quintile(decile):
    """IMD quintile from the decile: 1 (the most deprived 20%, Core20) to 5; None unknown."""
    return None if decile is None else (decile + 1) // 2


_COVERAGE_SQL = """
SELECT {group} AS grp, i.process_id,
       count(*) FILTER (WHERE i.status <> 'excluded') AS eligible,
       count(*) FILTER (WHERE i.status = ANY(%(in_date)s)) AS in_date,
       count(*) FILTER (WHERE i.status = 'excluded') AS excluded
FROM items i {join}
GROUP BY 1, 2
"""

# What coverage may be broken down by: the SQL of a child's group.
GROUPS = {
    None: ("NULL::text", ""),
    "practice": ("i.practice_id::text", ""),
    "quintile": (
        "CASE WHEN c.imd_decile IS NULL THEN NULL ELSE ((c.imd_decile + 1) / 2)::text END",
        "JOIN population_child c ON c.id = i.child_id",
    ),
    "ethnicity": (
        "CASE c.ethnic_category "
        + " ".join(
            f"WHEN '{code}' THEN '{label}'" for label, codes in ETHNIC_GROUPS for code in codes
        )
        + " END",
        "JOIN population_child c ON c.id = i.child_id",
    ),
    "practice_quintile": (
        "i.practice_id::text || ':' || coalesce(((c.imd_decile + 1) / 2)::text, '')",
        "JOIN population_child c ON c.id = i.child_id",
    ),
    # A child with two of the flags counts in each; one with none, in "none".
    "flag": (
        "f.flag",
        "JOIN population_child c ON c.id = i.child_id CROSS JOIN LATERAL unnest(coalesce("
        "nullif(ARRAY(SELECT x::text FROM unnest(c.flags) x WHERE x = ANY(%(equity_flags)s)), "
        "'{}'), ARRAY['none'])) AS f(flag)",
    ),
}
EQUITY_FLAGS = ["looked_after", "young_carer", "send_ehcp"]


def coverage_counts(children, programme, today=None, by=None):
    """{(group, process id): (eligible, in date, excluded)} over the register children among
    ``children``, grouped ``by`` one of GROUPS (None: one group). One query."""
    sql, params = items_sql(children, programme, today)
    group, join = GROUPS[by]
    params["in_date"] = list(IN_DATE_STATUSES)
    params["equity_flags"] = EQUITY_FLAGS
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {sql} " + _COVERAGE_SQL.format(group=group, join=join), params)  # noqa: S608
        return {
            (grp, pid): (eligible, in_date, excl) for grp, pid, eligible, in_date, excl in cursor
        }


def register_counts(children, programme, today=None, by=None):
    """{group: register children} over the register children among ``children`` (one query)."""
    sql, params = items_sql(children, programme, today)
    group, join = GROUPS[by]
    params["equity_flags"] = EQUITY_FLAGS
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {sql} SELECT {group}, count(DISTINCT i.child_id) FROM items i {join} "  # noqa: S608
            "GROUP BY 1",
            params,
        )
        return dict(cursor.fetchall())


def percent(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _summary_columns():
    """The register size and each process's coverage, as two columns of a statement over
    ``items`` (its ``in_date`` parameter: IN_DATE_STATUSES)."""
    group, join = GROUPS[None]
    coverage = _COVERAGE_SQL.format(group=group, join=join)
    # The module's own text; every value is a parameter.
    return (
        "(SELECT count(*) FROM reg) AS register_size, (SELECT json_agg(json_build_array("  # noqa: S608
        f"s.process_id, s.eligible, s.in_date, s.excluded)) FROM ({coverage}) AS s) AS coverage"
    )


def programme_summary(children, programme, today=None, version=None):
    """The programme's register size and, per due process, eligible, in date, excluded, %
    (one query, kept under ``version`` when given) over a hub's or practice's children."""
    sql, params = items_sql(children, programme, today, per_child=True)
    params["in_date"] = list(IN_DATE_STATUSES)
    _names, found = _read(f"WITH {sql} SELECT {_summary_columns()}", params, version)  # noqa: S608
    size, coverage = found[0]
    return _summary(programme, size, coverage)


def _summary(programme, size, coverage):
    counts = {pid: (eligible, in_date, excl) for pid, eligible, in_date, excl in coverage or ()}
    rows = []
    for process in programme.processes.all():
        if process.interval_days is None:
            continue
        eligible, in_date, excluded = counts.get(process.pk, (0, 0, 0))
        rows.append(
            {
                "process": process,
                "eligible": eligible,
                "in_date": in_date,
                "excluded": excluded,
                "percent": percent(in_date, eligible),
            }
        )
    return {"programme": programme, "register_size": size, "processes": rows}


def active_programmes():
    return Programme.objects.filter(active=True).prefetch_related("processes__after")


def status_filter(value):
    """The statuses a worklist filter names ("never", "overdue", "due"), or the three."""
    return [value] if value in WORKLIST_STATUSES else list(WORKLIST_STATUSES)


_NAMED = re.compile(r"%\((\w+)\)s")


def _positional(sql, params):
    """``sql`` with its %(name)s placeholders as %s, and the params in their order."""
    ordered = [params[name] for name in _NAMED.findall(sql)]
    return _NAMED.sub("%s", sql), ordered


def asthma_plan_due(children, programme_key, today=None):
    """An expression keeping those of ``children`` (on the asthma register already) whose
    asthma programme's management plan process (the one reading asthma_plan_reviewed_on) is
    never done or overdue and not excluded: the asthma worklist, inside the list's query."""
    sql, params = items_sql(children, programme_key, today, "asthma_plan", registered=True)
    # The statement is this module's own text; every value in it is a parameter.
    sql, ordered = _positional(
        f"WITH {sql} SELECT child_id FROM items WHERE status IN ('never', 'overdue')",  # noqa: S608
        params,
    )
    return Q(pk__in=RawSQL(sql, ordered))  # noqa: S611  # nosec B611


ALERT_SEGMENTS_FROM = 6


def condition_programmes():
    """[(programme, its register codes)] of the active programmes of a condition (not a whole
    population's): those whose register children the hub's hospital alert watches."""
    programmes = list(
        Programme.objects.filter(active=True, whole_population=False).prefetch_related("value_sets")
    )
    return [(p, sorted({c for vs in p.value_sets.all() for c in vs.codes})) for p in programmes]


def hospital_alert(children, since, today=None, programmes=None):
    """Those of ``children`` in segments 6 to 8 or on a condition programme's register who had
    an emergency department attendance or an admission after ``since``: each with
    ``unplanned`` (how many) and ``last_unplanned`` (the latest day), latest first."""
    from django.db.models import Count, Max, OuterRef, Subquery

    from population.programmes.models import HospitalEvent

    today = today or timezone.localdate()
    programmes = condition_programmes() if programmes is None else programmes
    codes = sorted({c for _p, codes in programmes for c in codes})
    events = HospitalEvent.objects.filter(
        child=OuterRef("pk"), kind__in=UNPLANNED, occurred_on__gt=since, occurred_on__lte=today
    ).order_by()
    watched = Q(segment__gte=ALERT_SEGMENTS_FROM)
    if codes:
        watched |= Q(conditions__overlap=codes)
    return (
        children.filter(watched)
        .annotate(
            unplanned=Subquery(events.values("child").annotate(n=Count("id")).values("n")[:1]),
            last_unplanned=Subquery(
                events.values("child").annotate(last=Max("occurred_on")).values("last")[:1]
            ),
        )
        .filter(unplanned__gt=0)
        .select_related("practice")
        .order_by("-last_unplanned", "-segment", "family_name", "given_name", "pk")
    )


def programmes_of(child, programmes):
    """The titles of the condition programmes whose register codes the child's match."""
    held = set(child.conditions)
    return [p.title for p, codes in programmes if held & set(codes)]


# Coverage over time ----------------------------------------------------------------------------


def take_programme_snapshots(day):
    """Keep each due process's coverage per practice on ``day`` (a month end), from the
    children registered that day: one query per programme; safe to run twice."""
    from population.models import Child
    from population.programmes.models import ProgrammeSnapshot

    children = Child.objects.registered_on(day)
    kept = 0
    for programme in Programme.objects.filter(active=True):
        counts = coverage_counts(children, programme, day, by="practice")
        rows = [
            ProgrammeSnapshot(
                month_end=day,
                practice_id=int(practice),
                process_id=process,
                eligible=eligible,
                in_date=in_date,
                excluded=excluded,
            )
            for (practice, process), (eligible, in_date, excluded) in counts.items()
        ]
        ProgrammeSnapshot.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["month_end", "practice", "process"],
            update_fields=["eligible", "in_date", "excluded"],
        )
        kept += len(rows)
    return kept


def coverage_trend(programme, hub, practice=None, months=12):
    """[{process, rows: [{month_end, label, eligible, in_date, percent}]}] oldest first, from
    the month-end snapshots of the hub's practices (or one of them): one query."""
    from django.db.models import Sum

    from cc4c import formatting
    from population.programmes.models import ProgrammeSnapshot

    snaps = ProgrammeSnapshot.objects.filter(process__programme=programme, practice__hub=hub)
    if practice is not None:
        snaps = snaps.filter(practice=practice)
    totals = (
        snaps.order_by()
        .values("month_end", "process")
        .annotate(eligible=Sum("eligible"), in_date=Sum("in_date"))
    )
    by_process = {}
    for row in totals:
        by_process.setdefault(row["process"], []).append(row)
    trend = []
    for process in programme.processes.all():
        rows = sorted(by_process.get(process.pk, []), key=lambda r: r["month_end"])[-months:]
        for r in rows:
            r["label"] = formatting.month(r["month_end"])
            r["percent"] = percent(r["in_date"], r["eligible"]) or 0
        if rows:
            trend.append({"process": process, "rows": rows})
    return trend


def trend_key(trend, practice=None):
    """A digest of all the coverage trend shows (each month's figures, the processes' titles,
    the practice's name): the trend's markup is kept under it, so a new or changed snapshot,
    or a renamed process or practice, is shown at once."""
    shown = [practice.name if practice is not None else ""]
    for series in trend:
        process = series["process"]
        shown.append(
            (
                process.pk,
                process.title,
                [(r["month_end"].isoformat(), r["eligible"], r["in_date"]) for r in series["rows"]],
            )
        )
    return hashlib.sha256(repr(shown).encode()).hexdigest()
