"""The ``children`` CSV format: the population extract from the GP clinical system."""

import re

from django.db import connection

from cc4c.imports import (
    Column,
    ImportFormat,
    int_between,
    nhs_number,
    ods_code,
    one_of,
    parse_date,
    postcode,
    register,
    shape_of,
    shaped,
    step,
    text,
    upsert_select,
)
from hubs.imports import ByPractice
from population.models import Child, EthnicCategory, Flag, Sex
from population.segmentation import has_hospital_rules, resegment_children, segments_table

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


@shaped("a SNOMED CT concept id")
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

    @shaped(f"one or more, separated by ;, each {shape_of(parse_item)}")
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
    "ethnic_category",
]


# SQL fast paths (cc4c.imports.sql): the common shapes of a value, checked as the parser would;
# anything else (spaces in an NHS number, the 29th to 31st of a month) goes to the parser.
_NHS_WEIGHTS = " + ".join(f"substr({{v}}, {k}, 1)::int * {11 - k}" for k in range(1, 10))
NHS_NUMBER_SQL = (
    "CASE WHEN {v} ~ '^[0-9]{{10}}$' AND mod(11 - mod(" + _NHS_WEIGHTS + ", 11), 11) "
    "= substr({v}, 10, 1)::int THEN {v} END"
)
# Dates: ISO, 31/03/2016 and 31-Mar-2016, on days 1 to 28 (any month has them); other days,
# the long month names and the spaced forms go to the parser.
_DAY_1_TO_28 = "(0?[1-9]|1[0-9]|2[0-8])"
_MONTH_ABBREVIATIONS = "janfebmaraprmayjunjulaugsepoctnovdec"
_MONTH_LIST = ", ".join(f"'{_MONTH_ABBREVIATIONS[i : i + 3]}'" for i in range(0, 36, 3))
DATE_SQL = (
    "CASE WHEN {v} ~ '^[0-9]{{4}}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$' "
    "AND {v} !~ '^0000' THEN {v}::date "
    f"WHEN {{v}} ~ '^{_DAY_1_TO_28}/(0?[1-9]|1[0-2])/[0-9]{{{{4}}}}$' AND {{v}} !~ '/0000$' "
    "THEN make_date(split_part({v}, '/', 3)::int, split_part({v}, '/', 2)::int, "
    "split_part({v}, '/', 1)::int) "
    f"WHEN {{v}} ~ '^{_DAY_1_TO_28}-[A-Za-z]{{{{3}}}}-[0-9]{{{{4}}}}$' AND {{v}} !~ '-0000$' "
    f"AND lower(split_part({{v}}, '-', 2)) IN ({_MONTH_LIST}) "
    "THEN make_date(split_part({v}, '-', 3)::int, "
    f"(strpos('{_MONTH_ABBREVIATIONS}', lower(split_part({{v}}, '-', 2))) + 2) / 3, "
    "split_part({v}, '-', 1)::int) END"
)
POSTCODE_SQL = (
    "CASE WHEN {v} ~ '^[A-Z]{{1,2}}[0-9][A-Z0-9]? [0-9][A-Z]{{2}}$' THEN {v} "
    "WHEN {v} ~ '^[A-Za-z0-9 ]+$' "
    "AND replace(upper({v}), ' ', '') ~ '^[A-Z]{{1,2}}[0-9][A-Z0-9]?[0-9][A-Z]{{2}}$' "
    "THEN left(replace(upper({v}), ' ', ''), -3) || ' ' || right(replace(upper({v}), ' ', ''), 3) "
    "END"
)


# Sex as the service stores it or as GP systems export it (F, M, U), in any case.
SEX_LETTERS = {"f": Sex.FEMALE, "m": Sex.MALE, "u": Sex.UNKNOWN}


@shaped("female, male, other or unknown (any case), or F, M or U")
def sex(value):
    lowered = value.lower()
    if lowered in Sex.values:
        return lowered
    if lowered in SEX_LETTERS:
        return str(SEX_LETTERS[lowered])
    raise ValueError(f"'{value}' is not one of: female, male, other, unknown (or F, M, U)")


SEX_SQL = (
    "CASE WHEN {v} ~ '^[A-Za-z]+$' THEN CASE lower({v}) "
    + " ".join(f"WHEN '{value}' THEN '{value}'" for value in Sex.values)
    + " "
    + " ".join(f"WHEN '{letter}' THEN '{value}'" for letter, value in SEX_LETTERS.items())
    + " END END"
)


@shaped("an NHS ethnic category code: one of A to H, J to N, P, R, S or Z (any case)")
def ethnic_category(value):
    code = value.upper()
    if code not in EthnicCategory.values:
        raise ValueError(
            f"'{value}' is not an NHS ethnic category code: one of A to H, J to N, P, R, S or Z"
        )
    return code


ODS_SQL = "CASE WHEN {v} ~ '^[A-Z][0-9]{{5}}$' THEN {v} END"
DECILE_SQL = "CASE WHEN {v} ~ '^([1-9]|10)$' THEN {v} END"
ETHNIC_SQL = "CASE WHEN {v} ~ '^[A-HJ-NPRSZ]$' THEN {v} END"


def text_sql(max_length):
    return f"CASE WHEN char_length({{v}}) <= {max_length} THEN {{v}} END"


@register
class ChildrenFormat(ByPractice, ImportFormat):
    kind = "children"
    title = "Children on the practices' lists (the population extract)"
    columns = [
        Column("nhs_number", parse=nhs_number, db_type="varchar(10)", sql=NHS_NUMBER_SQL),
        Column("given_name", parse=text(100), db_type="varchar(100)", sql=text_sql(100)),
        Column("family_name", parse=text(100), db_type="varchar(100)", sql=text_sql(100)),
        Column("date_of_birth", parse=parse_date, db_type="date", sql=DATE_SQL),
        Column("sex", parse=sex, sql=SEX_SQL),
        Column("postcode", required=False, parse=postcode, sql=POSTCODE_SQL),
        Column("practice_ods", parse=ods_code, sql=ODS_SQL),
        Column("registered_on", parse=parse_date, db_type="date", sql=DATE_SQL),
        Column("deregistered_on", required=False, parse=parse_date, db_type="date", sql=DATE_SQL),
        Column(
            "conditions",
            required=False,
            parse=semicolon_list(snomed_concept_id),
            db_type="varchar(18)[]",
        ),
        Column(
            "flags",
            required=False,
            parse=semicolon_list(one_of(Flag.values)),
            db_type="varchar(30)[]",
        ),
        Column(
            "asthma_plan_reviewed_on",
            required=False,
            parse=parse_date,
            db_type="date",
            sql=DATE_SQL,
        ),
        Column(
            "imd_decile",
            required=False,
            parse=int_between(1, 10),
            db_type="smallint",
            sql=DECILE_SQL,
        ),
        Column(
            "ethnic_category",
            required=False,
            parse=ethnic_category,
            db_type="varchar(1)",
            sql=ETHNIC_SQL,
        ),
    ]
    natural_key = ("nhs_number",)
    checks_in_sql = True
    comparison_data = True  # a comparison practice's children are the evaluation's comparison

    def sql_checks(self, ctx):
        return [
            (
                "SELECT line, 'date_of_birth', 'is in the future' FROM {rows} r "
                "WHERE date_of_birth > %s",
                [ctx.today],
            ),
            self.practice_sql_check(),
            *self.comparison_sql_checks(ctx),
            (
                "SELECT line, 'deregistered_on', 'is before registered_on' FROM {rows} r "
                "WHERE deregistered_on < registered_on",
                [],
            ),
        ]

    def sql_hub_ids(self, ctx):
        sql, params = super().sql_hub_ids(ctx)
        if ctx.allowed_hub_ids is not None:
            # A coordinator may not move a child away from another hub's practice.
            sql += (
                " UNION ALL SELECT r.line, p.hub_id FROM {rows} r "
                "JOIN population_child c ON c.nhs_number = r.nhs_number "
                "JOIN hubs_practice p ON p.id = c.practice_id"
            )
        return sql, params

    skips_unchanged = True

    def unchanged_sql(self, ctx):
        # The child holds the line's digest, so the line gave every field it holds (a change of
        # its practice's code clears it too); the practice must be one this upload may write.
        condition, params = self.practice_scope_sql(ctx, "p")
        sql = (
            "SELECT d.line, c.nhs_number AS key, p.hub_id FROM {digests} d "  # noqa: S608
            "JOIN population_child c ON c.nhs_number = d.key AND c.import_digest = d.digest "
            f"JOIN hubs_practice p ON p.id = c.practice_id WHERE {condition}"
        )
        return sql, params

    def write_sql(self, ctx):
        # Each child is written with its segment: one pass, no second update of the rows.
        with step("segments of the file's conditions and flags"):
            segments_table(
                SEGMENTS,
                "SELECT coalesce(conditions, '{}') AS conditions, "
                "coalesce(flags, '{}') AS flags FROM import_rows",
            )
        source = (
            "SELECT r.nhs_number, r.given_name, r.family_name, r.date_of_birth, r.sex, "  # noqa: S608
            "coalesce(r.postcode, '') AS postcode, p.id AS practice_id, r.registered_on, "
            "r.deregistered_on, coalesce(r.conditions, '{}') AS conditions, "
            "coalesce(r.flags, '{}') AS flags, r.asthma_plan_reviewed_on, r.imd_decile, "
            "coalesce(r.ethnic_category, '') AS ethnic_category, "
            "s.segment, s.segment_reasons, d.digest AS import_digest "
            "FROM import_rows r JOIN hubs_practice p ON p.ods_code = r.practice_ods "
            f"JOIN {SEGMENTS} s ON s.conditions = coalesce(r.conditions, '{{}}') "
            "AND s.flags = coalesce(r.flags, '{}') "
            "LEFT JOIN import_digests d ON d.line = r.line ORDER BY r.line"
        )
        # A child's record changes (with a history row) when the file changes what it holds;
        # a segment follows the conditions and flags it comes from.
        created, updated = upsert_select(
            Child,
            [*FIELDS, "segment", "segment_reasons", "import_digest"],
            source,
            conflict=["nhs_number"],
            compare=FIELDS[1:],
            by=ctx.by,
        )
        if created + updated < ctx.rows_to_write:
            # A child the file leaves as it is keeps the digest of the line it holds now.
            with step("digests of the lines that changed nothing"), connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE population_child c SET import_digest = d.digest "
                    "FROM import_rows r JOIN import_digests d ON d.line = r.line "
                    "WHERE c.nhs_number = r.nhs_number "
                    "AND c.import_digest IS DISTINCT FROM d.digest"
                )
        with step("the children's statistics"), connection.cursor() as cursor:
            # Statistics as autovacuum would leave them later (after 50 rows and a tenth of
            # the table), at once: the worklists and the report plan on them.
            cursor.execute(
                f"DO $$ BEGIN IF {int(created + updated)} > 50 + 0.1 * (SELECT reltuples FROM "  # noqa: S608
                "pg_class WHERE oid = 'population_child'::regclass) "
                "THEN ANALYZE population_child; END IF; END $$"
            )
        if has_hospital_rules():
            # The file's segments know conditions and flags; hospital events are the child's.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT DISTINCT c.id FROM population_child c "
                    "JOIN import_rows r ON r.nhs_number = c.nhs_number "
                    "JOIN population_hospitalevent e ON e.child_id = c.id"
                )
                with_events = [row[0] for row in cursor]
            if with_events:
                resegment_children(child_ids=with_events)
        return {"created": created, "updated": updated}


# The temporary table of the segment of each (conditions, flags) pair the file holds.
SEGMENTS = "import_segments"


# Another hub's child is answered as one that does not exist: an import tells nobody who is
# registered where.
NO_CHILD_IN_HUB = "no child with this NHS number is registered at a practice of this hub"


def child_of_hub(children, number, hub_id):
    """The (child id, hub id) of ``children_by_nhs_number`` a row names, if in the row's hub."""
    child = children.get(number)
    return child if child is not None and child[1] == hub_id else None


def children_by_nhs_number(rows, column="nhs_number"):
    """{NHS number: (child id, hub id)} for the children the rows name: one query."""
    numbers = {row[column] for row in rows if row[column]}
    found = Child.objects.filter(nhs_number__in=numbers).values_list(
        "nhs_number", "id", "practice__hub_id"
    )
    return {number: (pk, hub_id) for number, pk, hub_id in found}


# The programmes' care-events and hospital-events formats register themselves.
from population.programmes import imports as programme_imports  # noqa: E402, F401
