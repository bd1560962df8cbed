"""The ``advice-requests`` import: a hub's earlier advice log (docs/import-formats.md).

Imported requests are history, not work: a row with a first response is answered (closed when
it has an outcome), and a row without one is closed too, so the live queue and the reminder
sweep never pick old requests up. An outcome needs no first response (old logs often closed a
request without recording when it was answered): the evaluation counts such a request as
unanswered, and, like any unanswered imported request, as missed once its target has passed.
"""

from django.utils import timezone

from advice.models import AdviceRequest, Channel, Outcome, Status
from cc4c.imports import (
    Column,
    ImportFormat,
    copy_upsert,
    nhs_number,
    ods_code,
    one_of,
    parse_datetime,
    register,
    text,
)
from hubs.imports import ByHubCode, hub_code, practices_by_ods
from population.imports import NO_CHILD_IN_HUB, child_of_hub, children_by_nhs_number

FIELDS = [
    "hub",
    "reference",
    "received_at",
    "channel",
    "practice",
    "child",
    "first_response_at",
    "outcome",
    "status",
    "question",
    "created_at",
]
UPDATED = ["received_at", "channel", "practice", "child", "first_response_at", "outcome", "status"]


@register
class AdviceRequestsFormat(ByHubCode, ImportFormat):
    kind = "advice-requests"
    title = "The advice line's log of requests"
    columns = [
        Column("reference", parse=text(40)),
        Column("hub_code", parse=hub_code),
        Column("received_at", parse=parse_datetime),
        Column("channel", parse=one_of(Channel.values)),
        Column("practice_ods", required=False, parse=ods_code),
        Column("nhs_number", required=False, parse=nhs_number),
        Column("first_response_at", required=False, parse=parse_datetime),
        Column("outcome", required=False, parse=one_of(Outcome.values)),
    ]
    natural_key = ("hub_code", "reference")

    def prepare(self, rows, ctx):
        super().prepare(rows, ctx)
        ctx.practices = practices_by_ods(rows)
        ctx.children = children_by_nhs_number(rows)
        ctx.now = timezone.now()

    def validate_row(self, row, ctx):
        problems = self.hub_problems(row, ctx)
        hub_id = ctx.hubs.get(row["hub_code"])
        if row["received_at"] > ctx.now:
            problems.append(("received_at", "is in the future"))
        ods = row["practice_ods"]
        if ods:
            practice = ctx.practices.get(ods)
            if practice is None:
                problems.append(("practice_ods", f"no practice has the ODS code {ods}"))
            elif hub_id is not None and practice[1] != hub_id:
                problems.append(("practice_ods", f"{ods} is not a practice of {row['hub_code']}"))
        number = row["nhs_number"]
        if number and hub_id is not None and child_of_hub(ctx.children, number, hub_id) is None:
            problems.append(("nhs_number", NO_CHILD_IN_HUB))
        responded = row["first_response_at"]
        if responded and responded < row["received_at"]:
            problems.append(("first_response_at", "is before received_at"))
        return problems

    def write(self, rows, ctx):
        records = []
        for row in rows:
            if row["first_response_at"] and not row["outcome"]:
                status = Status.ANSWERED
            else:
                status = Status.CLOSED
            records.append(
                (
                    ctx.hubs[row["hub_code"]],
                    row["reference"],
                    row["received_at"],
                    row["channel"],
                    ctx.practices[row["practice_ods"]][0] if row["practice_ods"] else None,
                    ctx.children[row["nhs_number"]][0] if row["nhs_number"] else None,
                    row["first_response_at"],
                    row["outcome"] or "",
                    status,
                    "",
                    ctx.now,
                )
            )
        created, updated = copy_upsert(
            AdviceRequest, FIELDS, records, conflict=["hub", "reference"], update=UPDATED, by=ctx.by
        )
        return {"created": created, "updated": updated}
