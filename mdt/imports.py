"""The ``mdt-cases`` CSV format: a hub's past MDT case discussions (docs/import-formats.md).

Natural key (hub_code, meeting_date, nhs_number): the child's discussion at the hub's meeting
that day. The meeting is created, as held, if the hub has none that day.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cc4c.imports import (
    Column,
    ImportFormat,
    nhs_number,
    one_of,
    parse_date,
    register,
    text,
)
from hubs.imports import ByHubCode, hub_code
from mdt.models import CaseDiscussion, Meeting, MeetingStatus, Outcome, ReferrerRole, Source
from population.imports import NO_CHILD_IN_HUB, child_of_hub, children_by_nhs_number

LONDON = ZoneInfo("Europe/London")
# Imported meetings have no recorded time: they are placed at midday, London time.
IMPORTED_MEETING_TIME = datetime.time(12, 0)
UPDATED_FIELDS = ["referred_on", "referrer_role", "outcome", "named_professional", "discussed"]


@register
class MdtCasesFormat(ByHubCode, ImportFormat):
    kind = "mdt-cases"
    title = "Past MDT case discussions"
    columns = [
        Column("hub_code", parse=hub_code),
        Column("meeting_date", parse=parse_date),
        Column("nhs_number", parse=nhs_number),
        Column("referred_on", required=False, parse=parse_date),
        Column("referrer_role", required=False, parse=one_of(ReferrerRole.values)),
        Column("outcome", parse=one_of(Outcome.values)),
        Column("named_professional", required=False, parse=text(200)),
    ]
    natural_key = ("hub_code", "meeting_date", "nhs_number")

    def prepare(self, rows, ctx):
        super().prepare(rows, ctx)
        ctx.children = children_by_nhs_number(rows)
        ctx.meetings = {}
        meetings = Meeting.objects.filter(
            hub_id__in=set(ctx.hubs.values()),
            starts_at__date__in={r["meeting_date"] for r in rows},
        ).order_by("starts_at", "id")
        for pk, hub_id, starts_at in meetings.values_list("id", "hub_id", "starts_at"):
            ctx.meetings.setdefault((hub_id, timezone.localtime(starts_at, LONDON).date()), pk)
        ctx.cases = {
            (case.meeting_id, case.child_id): case
            for case in CaseDiscussion.objects.filter(meeting_id__in=set(ctx.meetings.values()))
        }

    def validate_row(self, row, ctx):
        if problems := self.hub_problems(row, ctx):
            return problems
        hub_id = ctx.hubs[row["hub_code"]]
        if row["meeting_date"] > ctx.today:
            problems.append(("meeting_date", "is in the future: import meetings already held"))
        child = child_of_hub(ctx.children, row["nhs_number"], hub_id)
        if child is None:
            problems.append(("nhs_number", NO_CHILD_IN_HUB))
        if row["referred_on"] and row["referred_on"] > row["meeting_date"]:
            problems.append(("referred_on", "is after meeting_date"))
        if row["named_professional"] and row["outcome"] != Outcome.NAMED_PROFESSIONAL:
            problems.append(("named_professional", "is only for the named_professional outcome"))
        meeting_id = ctx.meetings.get((hub_id, row["meeting_date"]))
        existing = ctx.cases.get((meeting_id, child[0])) if child else None
        if (
            existing is not None
            and existing.source == Source.APP
            and row["outcome"] == Outcome.NAMED_PROFESSIONAL
            and not row["named_professional"]
        ):
            problems.append(("named_professional", "is required: the case was recorded here"))
        return problems

    def write(self, rows, ctx):
        meetings = self._write_meetings(rows, ctx)
        created, changed = [], []
        for row in rows:
            meeting_id = meetings[(ctx.hubs[row["hub_code"]], row["meeting_date"])]
            child_id = ctx.children[row["nhs_number"]][0]
            values = {
                "referred_on": row["referred_on"] or row["meeting_date"],
                "referrer_role": row["referrer_role"] or "",
                "outcome": row["outcome"],
                "named_professional": row["named_professional"] or "",
                "discussed": True,
            }
            case = ctx.cases.get((meeting_id, child_id))
            if case is None:
                created.append(
                    CaseDiscussion(
                        meeting_id=meeting_id, child_id=child_id, source=Source.IMPORT, **values
                    )
                )
            elif any(getattr(case, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(case, name, value)
                changed.append(case)
        if changed:
            bulk_update_with_history(
                changed, CaseDiscussion, UPDATED_FIELDS, batch_size=2000, default_user=ctx.by
            )
        if created:
            bulk_create_with_history(created, CaseDiscussion, batch_size=2000, default_user=ctx.by)
        return {"created": len(created), "updated": len(changed), "meetings_created": ctx.new}

    def _write_meetings(self, rows, ctx):
        meetings = dict(ctx.meetings)
        wanted = {(ctx.hubs[r["hub_code"]], r["meeting_date"]) for r in rows} - set(meetings)
        to_create = []
        for hub_id, day in sorted(wanted):
            starts = datetime.datetime.combine(day, IMPORTED_MEETING_TIME, tzinfo=LONDON)
            to_create.append(
                Meeting(
                    hub_id=hub_id,
                    starts_at=starts,
                    status=MeetingStatus.FINISHED,
                    started_at=starts,
                    finished_at=starts,
                )
            )
        for meeting in Meeting.objects.bulk_create(to_create, batch_size=2000):
            meetings[(meeting.hub_id, timezone.localtime(meeting.starts_at, LONDON).date())] = (
                meeting.pk
            )
        ctx.new = len(to_create)
        return meetings
