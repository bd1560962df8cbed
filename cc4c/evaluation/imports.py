"""The ``hospital-activity`` CSV format: aggregate HES counts per practice and month."""

from cc4c.evaluation.definitions import HOSPITAL_ACTIVITIES
from cc4c.evaluation.models import HospitalActivity
from cc4c.imports import (
    Column,
    ImportFormat,
    copy_upsert,
    non_negative_int,
    ods_code,
    one_of,
    parse_month,
    register,
)
from hubs.imports import practices_by_ods


@register
class HospitalActivityFormat(ImportFormat):
    kind = "hospital-activity"
    columns = [
        Column("practice_ods", parse=ods_code),
        Column("month", parse=parse_month),
        Column("activity", parse=one_of([key for key, _label in HOSPITAL_ACTIVITIES])),
        Column("count", parse=non_negative_int),
    ]
    natural_key = ("practice_ods", "month", "activity")
    hub_column = "practice_ods"

    def prepare(self, rows, ctx):
        ctx.practices = practices_by_ods(rows)

    def validate_row(self, row, ctx):
        if row["practice_ods"] not in ctx.practices:
            return [("practice_ods", f"no practice has the ODS code {row['practice_ods']}")]
        return []

    def hub_ids(self, rows, ctx):
        return {
            ctx.practices[row["practice_ods"]][1]
            for row in rows
            if row["practice_ods"] in ctx.practices
        }

    def write(self, rows, ctx):
        records = [
            (ctx.practices[row["practice_ods"]][0], row["month"], row["activity"], row["count"])
            for row in rows
        ]
        created, updated = copy_upsert(
            HospitalActivity,
            ["practice", "month", "activity", "count"],
            records,
            conflict=["practice", "month", "activity"],
            by=ctx.by,
        )
        return {"created": created, "updated": updated}
