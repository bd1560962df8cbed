"""The ``hospital-activity`` CSV format: aggregate HES counts per practice and month."""

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
from evaluation.definitions import HOSPITAL_ACTIVITIES
from evaluation.models import HospitalActivity
from hubs.imports import ByPractice


@register
class HospitalActivityFormat(ByPractice, ImportFormat):
    kind = "hospital-activity"
    title = "Hospital activity of each practice's children, by month (HES)"
    columns = [
        Column("practice_ods", parse=ods_code),
        Column("month", parse=parse_month),
        Column("activity", parse=one_of([key for key, _label in HOSPITAL_ACTIVITIES])),
        Column("count", parse=non_negative_int),
    ]
    natural_key = ("practice_ods", "month", "activity")
    comparison_data = True  # a comparison practice's activity is the evaluation's comparison

    def validate_row(self, row, ctx):
        return self.hub_problems(row, ctx)

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
