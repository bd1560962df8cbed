"""Equity breakdowns: a programme's register and coverage, and a hub's segment counts, by IMD
quintile (quintile 1, the most deprived 20%, is Core20), by ethnic group where recorded and by
flag (looked after, young carer, SEND); and the gap in coverage between the most and least
deprived as a difference of two proportions with its 95% interval (cc4c.stats)."""

from django.db.models import Count, Q

from cc4c import stats
from population.models import ETHNIC_GROUPS, Flag, Segment
from population.programmes import engine

BREAKDOWNS = {
    "quintile": "IMD quintile",
    "ethnicity": "Ethnic group",
    "flag": "Flag",
}
NOT_RECORDED = "Not recorded"
FLAG_LABELS = {str(f): Flag(f).label for f in engine.EQUITY_FLAGS}


def groups(by):
    """[(group key as the SQL gives it, label)] in the order a table shows them."""
    if by == "quintile":
        notes = {1: " (most deprived, Core20)", 5: " (least deprived)"}
        return [(str(q), f"{q}{notes.get(q, '')}") for q in range(1, 6)] + [(None, "Not known")]
    if by == "ethnicity":
        return [(label, label) for label, _codes in ETHNIC_GROUPS] + [(None, NOT_RECORDED)]
    return [(key, label) for key, label in FLAG_LABELS.items()] + [("none", "None of these")]


def gap(in_date1, eligible1, in_date5, eligible5):
    """The coverage of quintile 1 minus that of quintile 5, in percentage points, with its 95%
    interval (Newcombe's hybrid score); None when either has no children."""
    if not eligible1 or not eligible5:
        return None
    interval = stats.proportion_difference(in_date1, eligible1, in_date5, eligible5)
    difference = in_date1 / eligible1 - in_date5 / eligible5
    return {
        "points": round(100 * difference, 1),
        "low": round(100 * interval[0], 1),
        "high": round(100 * interval[1], 1),
    }


def programme_breakdown(children, programme, by, today=None):
    """The register and each due process's coverage per group, and the deprivation gap."""
    processes = [p for p in programme.processes.all() if p.interval_days is not None]
    counts = engine.coverage_counts(children, programme, today, by=by)
    quintiles = (
        counts
        if by == "quintile"
        else engine.coverage_counts(children, programme, today, by="quintile")
    )
    sizes = engine.register_counts(children, programme, today, by=by)
    rows = []
    for key, label in groups(by):
        cells = []
        for process in processes:
            eligible, in_date, excluded = counts.get((key, process.pk), (0, 0, 0))
            cells.append(
                {
                    "eligible": eligible,
                    "in_date": in_date,
                    "percent": engine.percent(in_date, eligible),
                }
            )
        rows.append({"label": label, "register": sizes.get(key, 0), "cells": cells})
    gaps = []
    for process in processes:
        e1, i1, _x1 = quintiles.get(("1", process.pk), (0, 0, 0))
        e5, i5, _x5 = quintiles.get(("5", process.pk), (0, 0, 0))
        gaps.append(gap(i1, e1, i5, e5))
    return {"processes": processes, "rows": rows, "gaps": gaps}


def _group_filters(by):
    if by == "quintile":
        filters = [(str(q), Q(imd_decile__in=[2 * q - 1, 2 * q])) for q in range(1, 6)]
        return filters + [(None, Q(imd_decile__isnull=True))]
    if by == "ethnicity":
        filters = [(label, Q(ethnic_category__in=list(codes))) for label, codes in ETHNIC_GROUPS]
        return filters + [(None, Q(ethnic_category=""))]
    filters = [(key, Q(flags__contains=[key])) for key in FLAG_LABELS]
    return filters + [("none", ~Q(flags__overlap=list(FLAG_LABELS)))]


def segment_breakdown(children, by):
    """Children per segment and group (count and % of the group), in one query."""
    filters = _group_filters(by)
    aggregates = {}
    for i, (_key, condition) in enumerate(filters):
        for segment in range(1, 9):
            aggregates[f"g{i}s{segment}"] = Count("id", filter=condition & Q(segment=segment))
    counts = children.order_by().aggregate(**aggregates)
    labels = dict(groups(by))
    segments = list(Segment.objects.values_list("number", "name"))
    rows = []
    for i, (key, _condition) in enumerate(filters):
        cells = [counts[f"g{i}s{number}"] for number, _name in segments]
        total = sum(cells)
        rows.append(
            {
                "label": labels[key],
                "total": total,
                "cells": [{"count": c, "percent": engine.percent(c, total)} for c in cells],
            }
        )
    return {"segments": segments, "rows": rows}
