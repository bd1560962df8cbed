"""The ``care-events`` and ``hospital-events`` CSV formats (docs/import-formats.md).

``care-events``: a care process done for a child on a day, named by its key
(``asthma.inhaler_technique``) or by a SNOMED CT code one or more processes list. Natural key
(nhs_number, process, done_on): importing a file twice keeps one event each.

``hospital-events``: a child's emergency department attendance, admission or outpatient
appointment (attended or not) on a day, with the diagnosis where the hospital gives one.
Natural key (nhs_number, occurred_on, kind, diagnosis).
"""

import re

from cc4c.imports import (
    Column,
    ImportFormat,
    copy_upsert,
    nhs_number,
    ods_code,
    one_of,
    parse_date,
    register,
    shaped,
)
from hubs.imports import ByPractice
from population.imports import children_by_nhs_number, snomed_concept_id
from population.programmes.models import (
    CareEvent,
    CareEventSource,
    CareProcess,
    HospitalEvent,
    HospitalEventKind,
)
from population.segmentation import has_hospital_rules, resegment_children

_PROCESS_KEY_RE = re.compile(r"[a-z0-9_-]+\.[a-z0-9_-]+")
_ICD10_RE = re.compile(r"[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?")


@shaped("a care process key (programme.process, e.g. asthma.inhaler_technique) or a SNOMED CT id")
def process_reference(value):
    lowered = value.lower()
    if _PROCESS_KEY_RE.fullmatch(lowered):
        return lowered
    return snomed_concept_id(value)


@shaped("a SNOMED CT concept id or an ICD-10 code (e.g. J45.9)")
def diagnosis_code(value):
    upper = value.upper()
    if _ICD10_RE.fullmatch(upper):
        return upper.replace(".", "")
    return snomed_concept_id(value)


def processes_by_reference():
    """{key or SNOMED CT code: [process id, ...]} of every process of an active programme."""
    found = {}
    rows = CareProcess.objects.filter(programme__active=True).values_list(
        "id", "key", "programme__key", "codes"
    )
    for pk, key, programme_key, codes in rows:
        found.setdefault(f"{programme_key}.{key}", []).append(pk)
        for code in codes:
            found.setdefault(code, []).append(pk)
    return found


def _child_problems(row, ctx):
    child = ctx.children.get(row["nhs_number"])
    if child is None:
        return [("nhs_number", "no child has this NHS number: import children first")]
    return []


def _date_problems(row, column, ctx):
    if row[column] > ctx.today:
        return [(column, "is in the future")]
    born = ctx.births.get(ctx.children[row["nhs_number"]][0])
    if born and row[column] < born:
        return [(column, "is before the child's date of birth")]
    return []


def _load_children(rows, ctx):
    from population.models import Child

    ctx.children = children_by_nhs_number(rows)
    ids = [pk for pk, _hub in ctx.children.values()]
    found = Child.objects.filter(pk__in=ids).values_list("pk", "date_of_birth", "practice_id")
    ctx.births = {pk: born for pk, born, _practice in found}
    ctx.child_practices = {pk: practice for pk, _born, practice in found}


@register
class CareEventsFormat(ByPractice, ImportFormat):
    kind = "care-events"
    title = "Care processes done for children (programme care events)"
    columns = [
        Column("nhs_number", parse=nhs_number),
        Column("practice_ods", parse=ods_code),
        Column("process", parse=process_reference),
        Column("done_on", parse=parse_date),
    ]
    natural_key = ("nhs_number", "process", "done_on")

    def prepare(self, rows, ctx):
        super().prepare(rows, ctx)
        _load_children(rows, ctx)
        ctx.processes = processes_by_reference()

    def hub_ids(self, rows, ctx):
        hubs = super().hub_ids(rows, ctx)
        return hubs | {
            ctx.children[r["nhs_number"]][1] for r in rows if r["nhs_number"] in ctx.children
        }

    def validate_row(self, row, ctx):
        if problems := self.hub_problems(row, ctx) + _child_problems(row, ctx):
            return problems
        child_id, _hub = ctx.children[row["nhs_number"]]
        if ctx.child_practices[child_id] != ctx.practices[row["practice_ods"]][0]:
            problems.append(("practice_ods", "the child is not registered at this practice"))
        if row["process"] not in ctx.processes:
            problems.append(("process", "no care process has this key or SNOMED CT code"))
        return problems + _date_problems(row, "done_on", ctx)

    def write(self, rows, ctx):
        records = {}
        for row in rows:
            child_id = ctx.children[row["nhs_number"]][0]
            code = "" if "." in row["process"] else row["process"]
            for process_id in ctx.processes[row["process"]]:
                key = (child_id, process_id, row["done_on"])
                records[key] = (
                    *key,
                    code,
                    CareEventSource.IMPORT.value,
                    ctx.practices[row["practice_ods"]][0],
                )
        created, updated = copy_upsert(
            CareEvent,
            ["child", "process", "done_on", "code", "source", "practice"],
            list(records.values()),
            conflict=["child", "process", "done_on"],
            by=ctx.by,
        )
        return {"created": created, "updated": updated}


@register
class HospitalEventsFormat(ImportFormat):
    kind = "hospital-events"
    title = "Children's hospital events: emergency attendances, admissions, outpatients"
    columns = [
        Column("nhs_number", parse=nhs_number),
        Column("occurred_on", parse=parse_date),
        Column("kind", parse=one_of(HospitalEventKind.values)),
        Column("diagnosis", required=False, parse=diagnosis_code),
    ]
    natural_key = ("nhs_number", "occurred_on", "kind", "diagnosis")
    hub_column = "nhs_number"

    def prepare(self, rows, ctx):
        _load_children(rows, ctx)

    def hub_ids(self, rows, ctx):
        return {ctx.children[r["nhs_number"]][1] for r in rows if r["nhs_number"] in ctx.children}

    def validate_row(self, row, ctx):
        if problems := _child_problems(row, ctx):
            return problems
        return _date_problems(row, "occurred_on", ctx)

    def write(self, rows, ctx):
        records = {}
        for row in rows:
            child_id = ctx.children[row["nhs_number"]][0]
            key = (child_id, row["occurred_on"], row["kind"], row["diagnosis"] or "")
            records[key] = key
        created, updated = copy_upsert(
            HospitalEvent,
            ["child", "occurred_on", "kind", "diagnosis"],
            list(records.values()),
            conflict=["child", "occurred_on", "kind", "diagnosis"],
            by=ctx.by,
        )
        return {"created": created, "updated": updated}

    def after_write(self, rows, ctx):
        # A rule of hospital use may move these children to another segment.
        if has_hospital_rules():
            resegment_children(child_ids={ctx.children[r["nhs_number"]][0] for r in rows})
