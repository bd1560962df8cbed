"""The ``children`` CSV format: the population extract from the GP clinical system."""

import importlib
import re

from django.db import connection

from cc4c.imports import (
    Column,
    ImportFormat,
    copy_upsert,
    int_between,
    nhs_number,
    ods_code,
    one_of,
    parse_date,
    postcode,
    practices_by_ods,
    register,
    text,
)
from population.models import Child, Flag, Sex

# Verhoeff's dihedral check, which SNOMED CT uses for the last digit of every identifier.
_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_SCTID_RE = re.compile(r"[0-9]{6,18}")
# The partition digits (second and third from the right) of a concept id: short or long form.
_CONCEPT_PARTITIONS = ("00", "10")


def verhoeff_is_valid(digits):
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


def snomed_concept_id(value):
    """A SNOMED CT concept id: 6 to 18 digits, concept partition, valid Verhoeff check digit."""
    if not _SCTID_RE.fullmatch(value) or value[0] == "0":
        raise ValueError(f"'{value}' is not a SNOMED CT id (6 to 18 digits)")
    if value[-3:-1] not in _CONCEPT_PARTITIONS:
        raise ValueError(f"'{value}' is a SNOMED CT id but not of a concept")
    if not verhoeff_is_valid(value):
        raise ValueError(f"'{value}' fails the SNOMED CT check digit")
    return value


def semicolon_list(parse_item):
    """A parser for ``a;b;c`` cells: each item parsed, blanks and repeats dropped, order kept."""

    def parse(value):
        items = {}
        for item in value.split(";"):
            item = item.strip()
            if item:
                items.setdefault(parse_item(item), None)
        return list(items)

    return parse


FIELDS = [
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
]


@register
class ChildrenFormat(ImportFormat):
    kind = "children"
    columns = [
        Column("nhs_number", parse=nhs_number),
        Column("given_name", parse=text(100)),
        Column("family_name", parse=text(100)),
        Column("date_of_birth", parse=parse_date),
        Column("sex", parse=one_of(Sex.values)),
        Column("postcode", required=False, parse=postcode),
        Column("practice_ods", parse=ods_code),
        Column("registered_on", parse=parse_date),
        Column("deregistered_on", required=False, parse=parse_date),
        Column("conditions", required=False, parse=semicolon_list(snomed_concept_id)),
        Column("flags", required=False, parse=semicolon_list(one_of(Flag.values))),
        Column("asthma_plan_reviewed_on", required=False, parse=parse_date),
        Column("imd_decile", required=False, parse=int_between(1, 10)),
    ]
    natural_key = ("nhs_number",)
    hub_column = "practice_ods"

    def prepare(self, rows, ctx):
        ctx.practices = practices_by_ods(rows)
        ctx.existing_hubs = {}
        if ctx.allowed_hub_ids is not None:
            # A coordinator may not move a child away from another hub's practice.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT c.nhs_number, p.hub_id FROM population_child c "
                    "JOIN hubs_practice p ON p.id = c.practice_id WHERE c.nhs_number = ANY(%s)",
                    [[row["nhs_number"] for row in rows]],
                )
                ctx.existing_hubs = dict(cursor.fetchall())

    def validate_row(self, row, ctx):
        problems = []
        if row["date_of_birth"] > ctx.today:
            problems.append(("date_of_birth", "is in the future"))
        if row["practice_ods"] not in ctx.practices:
            problems.append(("practice_ods", f"no practice has the ODS code {row['practice_ods']}"))
        if row["deregistered_on"] and row["deregistered_on"] < row["registered_on"]:
            problems.append(("deregistered_on", "is before registered_on"))
        return problems

    def hub_ids(self, rows, ctx):
        ids = set()
        for row in rows:
            practice = ctx.practices.get(row["practice_ods"])
            if practice:
                ids.add(practice[1])
            if row["nhs_number"] in ctx.existing_hubs:
                ids.add(ctx.existing_hubs[row["nhs_number"]])
        return ids

    def write(self, rows, ctx):
        practices = ctx.practices
        records = [
            (
                row["nhs_number"],
                row["given_name"],
                row["family_name"],
                row["date_of_birth"],
                row["sex"],
                row["postcode"] or "",
                practices[row["practice_ods"]][0],
                row["registered_on"],
                row["deregistered_on"],
                row["conditions"] or [],
                row["flags"] or [],
                row["asthma_plan_reviewed_on"],
                row["imd_decile"],
            )
            for row in rows
        ]
        created, updated = copy_upsert(Child, FIELDS, records, conflict=["nhs_number"], by=ctx.by)
        return {"created": created, "updated": updated}

    def after_write(self, rows, ctx):
        if not (ctx.created or ctx.updated):
            return  # the file matched the database: no child's conditions or flags changed
        try:
            segmentation = importlib.import_module("population.segmentation")
        except ModuleNotFoundError as exc:
            if exc.name != "population.segmentation":
                raise
            return
        resegment = getattr(segmentation, "resegment_children", None)
        if resegment is not None:
            practice_ids = sorted({ctx.practices[row["practice_ods"]][0] for row in rows})
            resegment(child_ids=None, practice_ids=practice_ids)


def children_by_nhs_number(rows, column="nhs_number"):
    """{NHS number: (child id, hub id)} for the children the rows name: one query."""
    numbers = {row[column] for row in rows if row[column]}
    found = Child.objects.filter(nhs_number__in=numbers).values_list(
        "nhs_number", "id", "practice__hub_id"
    )
    return {number: (pk, hub_id) for number, pk, hub_id in found}
