"""The ``practices`` CSV format: GP practices and the hubs they belong to; and the look-ups of
hubs and practices by code that every format uses, one query each for a whole file."""

from cc4c.imports import (
    Column,
    ImportFormat,
    copy_upsert,
    non_negative_int,
    ods_code,
    postcode,
    register,
    text,
)
from hubs.models import Hub, Practice, is_valid_hub_code


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


@register
class PracticesFormat(ImportFormat):
    kind = "practices"
    columns = [
        Column("ods_code", parse=ods_code),
        Column("name", parse=text(200)),
        Column("hub_code", parse=hub_code),
        Column("hub_name", required=False, parse=text(200)),
        Column("postcode", required=False, parse=postcode),
        Column("list_size", required=False, parse=non_negative_int),
    ]
    natural_key = ("ods_code",)
    hub_column = "hub_code"

    def prepare(self, rows, ctx):
        ctx.hubs = hubs_by_code(rows)
        odss = [row["ods_code"] for row in rows]
        ctx.practice_hubs = dict(
            Practice.objects.filter(ods_code__in=odss).values_list("ods_code", "hub_id")
        )

    def validate_row(self, row, ctx):
        if row["hub_code"] not in ctx.hubs and ctx.allowed_hub_ids is not None:
            return [("hub_code", "no hub has this code; ask the service operator to add it")]
        return []

    def hub_ids(self, rows, ctx):
        ids = set()
        for row in rows:
            if row["hub_code"] in ctx.hubs:
                ids.add(ctx.hubs[row["hub_code"]])
            # A practice moving hubs touches the hub it leaves too.
            if row["ods_code"] in ctx.practice_hubs:
                ids.add(ctx.practice_hubs[row["ods_code"]])
        return ids

    def write(self, rows, ctx):
        new_hubs = {}
        for row in rows:
            if row["hub_code"] not in ctx.hubs and not new_hubs.get(row["hub_code"]):
                new_hubs[row["hub_code"]] = row["hub_name"]
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
                ctx.hubs[row["hub_code"]],
                row["postcode"] or "",
                row["list_size"],
            )
            for row in rows
        ]
        created, updated = copy_upsert(
            Practice,
            ["ods_code", "name", "hub", "postcode", "list_size"],
            records,
            conflict=["ods_code"],
            by=ctx.by,
        )
        return {"created": created, "updated": updated, "hubs_created": len(new_hubs)}
