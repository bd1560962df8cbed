"""The ``practices`` CSV format: GP practices and the hubs they belong to; and the look-ups of
hubs and practices by code that every format uses, one query each for a whole file."""

import re

from django.db import connection

from cc4c.imports import (
    Column,
    ImportFormat,
    copy_upsert,
    non_negative_int,
    ods_code,
    postcode,
    register,
    shaped,
    text,
)
from cc4c.validators import MESH_MAILBOX_RE
from hubs.models import Hub, Practice, is_valid_hub_code


@shaped("yes or no (empty is no)")
def yes_or_no(value):
    answer = value.lower()
    if answer not in ("yes", "no"):
        raise ValueError(f"'{value}' is not yes or no")
    return answer == "yes"


@shaped("a hub code: 2 to 20 capital letters, digits or -, e.g. NWL-1")
def hub_code(value):
    code = value.upper()
    if not is_valid_hub_code(code):
        raise ValueError(f"'{value}' is not a hub code (2 to 20 capital letters, digits or -)")
    return code


def hubs_by_code(rows, column="hub_code"):
    """{hub code: hub id} for the hub codes the rows name."""
    codes = {row[column] for row in rows if row[column]}
    return dict(Hub.objects.filter(code__in=codes).values_list("code", "id"))


def practices_by_ods(rows, column="practice_ods"):
    """{ODS code: (practice id, hub id)} for the practices the rows name."""
    codes = {row[column] for row in rows if row[column]}
    found = Practice.objects.filter(ods_code__in=codes).values_list("ods_code", "id", "hub_id")
    return {ods: (pk, hub_id) for ods, pk, hub_id in found}


class ByHubCode:
    """A format whose rows name their hub by its code, in ``hub_code`` (first base, before
    ``ImportFormat``): ``ctx.hubs`` maps the file's codes to hub ids (one query), each row
    touches the hub it names, and ``hub_problems`` refuses a code no hub has."""

    hub_column = "hub_code"

    def prepare(self, rows, ctx):
        super().prepare(rows, ctx)
        ctx.hubs = hubs_by_code(rows, self.hub_column)

    def hub_ids(self, rows, ctx):
        codes = (row[self.hub_column] for row in rows)
        return {ctx.hubs[code] for code in codes if code in ctx.hubs}

    def hub_problems(self, row, ctx):
        code = row[self.hub_column]
        return [] if code in ctx.hubs else [(self.hub_column, f"no hub has the code {code}")]


COMPARISON_FOR_OPERATOR = (
    "is a comparison practice (outside every hub): only the service operator imports its rows"
)


class ByPractice:
    """A format whose rows name their hub through a practice's ODS code, in ``practice_ods``
    (first base, before ``ImportFormat``): ``ctx.practices`` maps the file's codes to
    (practice id, hub id), each row touches its practice's hub, and ``hub_problems`` refuses
    a code no practice has. ``practice_sql_check`` and ``sql_hub_ids`` do the same for a
    format checked in SQL.

    A comparison practice belongs to no hub (its hub id is None): only a format whose data
    such a practice has (``comparison_data``: its children, its hospital activity) takes its
    rows, and only from the service operator, since they are every hub's comparison."""

    hub_column = "practice_ods"
    comparison_data = False

    def prepare(self, rows, ctx):
        super().prepare(rows, ctx)
        ctx.practices = practices_by_ods(rows, self.hub_column)

    def hub_ids(self, rows, ctx):
        codes = (row[self.hub_column] for row in rows)
        return {ctx.practices[code][1] for code in codes if code in ctx.practices} - {None}

    def comparison_refusal(self, ctx):
        """Why a row of a comparison practice is refused here, or None when it is taken."""
        if not self.comparison_data:
            return "is a comparison practice (outside every hub): it has no such records"
        if ctx.allowed_hub_ids is not None:
            return COMPARISON_FOR_OPERATOR
        return None

    def hub_problems(self, row, ctx):
        code = row[self.hub_column]
        if code not in ctx.practices:
            return [(self.hub_column, f"no practice has the ODS code {code}")]
        refusal = ctx.practices[code][1] is None and self.comparison_refusal(ctx)
        return [(self.hub_column, refusal)] if refusal else []

    def practice_sql_check(self):
        column = connection.ops.quote_name(self.hub_column)
        return (
            f"SELECT r.line, %s, 'no practice has the ODS code ' || r.{column} "  # noqa: S608
            f"FROM {{rows}} r WHERE NOT EXISTS "
            f"(SELECT 1 FROM {Practice._meta.db_table} p WHERE p.ods_code = r.{column})",
            [self.hub_column],
        )

    def comparison_sql_checks(self, ctx):
        """The refusal of rows naming a comparison practice, as checks of a format checked in
        SQL (none when this upload takes them)."""
        refusal = self.comparison_refusal(ctx)
        if refusal is None:
            return []
        column = connection.ops.quote_name(self.hub_column)
        return [
            (
                f"SELECT r.line, %s, %s FROM {{rows}} r "  # noqa: S608
                f"JOIN {Practice._meta.db_table} p ON p.ods_code = r.{column} "
                "WHERE p.hub_id IS NULL",
                [self.hub_column, refusal],
            )
        ]

    def practice_scope_sql(self, ctx, alias):
        """(condition, params) on the practice ``alias`` for a row this upload may write
        unchecked: a hub of the coordinator's, or any practice the operator's upload takes."""
        if ctx.allowed_hub_ids is not None:
            return f"{alias}.hub_id = ANY(%s)", [sorted(ctx.allowed_hub_ids)]
        if self.comparison_refusal(ctx) is not None:
            return f"{alias}.hub_id IS NOT NULL", []
        return "TRUE", []

    def sql_hub_ids(self, ctx):
        column = connection.ops.quote_name(self.hub_column)
        return (
            f"SELECT r.line, p.hub_id FROM {{rows}} r "  # noqa: S608
            f"JOIN {Practice._meta.db_table} p ON p.ods_code = r.{column}",
            [],
        )


@shaped("a MESH mailbox id: 5 to 20 capital letters and digits, e.g. E85001OT001")
def mesh_mailbox(value):
    mailbox = value.upper()
    if not re.fullmatch(MESH_MAILBOX_RE, mailbox):
        raise ValueError(f"'{value}' is not a MESH mailbox id (5 to 20 capital letters and digits)")
    return mailbox


@register
class PracticesFormat(ByHubCode, ImportFormat):
    kind = "practices"
    title = "GP practices and their hubs"
    columns = [
        Column("ods_code", parse=ods_code),
        Column("name", parse=text(200)),
        Column("hub_code", required=False, parse=hub_code),
        Column("hub_name", required=False, parse=text(200)),
        Column("postcode", required=False, parse=postcode),
        Column("list_size", required=False, parse=non_negative_int),
        Column("comparison", required=False, parse=yes_or_no),
        Column("mesh_mailbox", required=False, parse=mesh_mailbox),
    ]
    natural_key = ("ods_code",)

    def prepare(self, rows, ctx):
        super().prepare(rows, ctx)
        ctx.known_practices = practices_by_ods(rows, "ods_code")
        # An empty mesh_mailbox cell keeps the mailbox the practice has (set in the admin site).
        codes = {row["ods_code"] for row in rows}
        ctx.mailboxes = dict(
            Practice.objects.filter(ods_code__in=codes).values_list("ods_code", "mesh_mailbox")
        )

    def validate_row(self, row, ctx):
        if row["comparison"]:
            if ctx.allowed_hub_ids is not None:
                return [("comparison", "only the service operator imports comparison practices")]
            if ctx.known_practices.get(row["ods_code"], (None, None))[1] is not None:
                return [("comparison", "is yes for a practice of a hub, which stays in its hub")]
            return [
                (column, "must be empty for a comparison practice, which belongs to no hub")
                for column in ("hub_code", "hub_name")
                if row[column]
            ]
        if not row["hub_code"]:
            return [("hub_code", "is required unless comparison is yes")]
        known = ctx.known_practices.get(row["ods_code"])
        if known and known[1] is None and ctx.allowed_hub_ids is not None:
            return [("ods_code", COMPARISON_FOR_OPERATOR)]
        if row["hub_code"] not in ctx.hubs and ctx.allowed_hub_ids is not None:
            return [("hub_code", "no hub has this code; ask the service operator to add it")]
        return []

    def hub_ids(self, rows, ctx):
        # A practice moving hubs touches the hub it leaves too.
        known = ctx.known_practices
        left = {known[row["ods_code"]][1] for row in rows if row["ods_code"] in known}
        return (super().hub_ids(rows, ctx) | left) - {None}

    def write(self, rows, ctx):
        new_hubs = {}
        for row in rows:
            code = row["hub_code"]
            if code and code not in ctx.hubs and not new_hubs.get(code):
                new_hubs[code] = row["hub_name"]
        Hub.objects.bulk_create(
            [Hub(code=code, name=name or code) for code, name in new_hubs.items()],
            ignore_conflicts=True,
        )
        if new_hubs:
            ctx.hubs = hubs_by_code(rows)
        records = [
            (
                row["ods_code"],
                row["name"],
                None if row["comparison"] else ctx.hubs[row["hub_code"]],
                bool(row["comparison"]),
                row["postcode"] or "",
                row["list_size"],
                row["mesh_mailbox"] or ctx.mailboxes.get(row["ods_code"], ""),
            )
            for row in rows
        ]
        created, updated = copy_upsert(
            Practice,
            ["ods_code", "name", "hub", "comparison", "postcode", "list_size", "mesh_mailbox"],
            records,
            conflict=["ods_code"],
            by=ctx.by,
        )
        return {"created": created, "updated": updated, "hubs_created": len(new_hubs)}
