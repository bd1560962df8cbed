"""The ``clinic-appointments`` CSV format: a hub's past outreach clinic appointments.

Natural key (hub_code, session_date, start_time): the appointment in that slot. The hub's
session that day is created if it has none; slots are created as the file names them.
"""

import datetime

from cc4c.imports import (
    Column,
    ImportFormat,
    copy_upsert,
    nhs_number,
    ods_code,
    one_of,
    parse_date,
    parse_time,
    register,
)
from clinics.models import (
    CANCELLED_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    ClinicSession,
    Outcome,
    Slot,
)
from hubs.imports import ByHubCode, hub_code, practices_by_ods
from population.imports import NO_CHILD_IN_HUB, child_of_hub, children_by_nhs_number

# Imported sessions get this slot length and end one slot after their last appointment.
IMPORTED_SLOT_MINUTES = 20
FIELDS = ["child", "type", "referral_date", "status", "outcome"]


def _session_times(times):
    start = min(times)
    last = datetime.datetime.combine(datetime.date(2000, 1, 1), max(times))
    end = last + datetime.timedelta(minutes=IMPORTED_SLOT_MINUTES)
    end_time = end.time() if end.date() == last.date() else datetime.time(23, 59)
    return start, end_time


@register
class ClinicAppointmentsFormat(ByHubCode, ImportFormat):
    kind = "clinic-appointments"
    title = "Past outreach clinic appointments"
    columns = [
        Column("hub_code", parse=hub_code),
        Column("session_date", parse=parse_date),
        Column("host_practice_ods", parse=ods_code),
        Column("start_time", parse=parse_time),
        Column("nhs_number", parse=nhs_number),
        Column("appointment_type", parse=one_of(AppointmentType.values)),
        Column("referral_date", required=False, parse=parse_date),
        Column("status", parse=one_of(AppointmentStatus.values)),
        Column("outcome", required=False, parse=one_of(Outcome.values)),
    ]
    natural_key = ("hub_code", "session_date", "start_time")

    def prepare(self, rows, ctx):
        super().prepare(rows, ctx)
        ctx.practices = practices_by_ods(rows, "host_practice_ods")
        ctx.children = children_by_nhs_number(rows)
        sessions = ClinicSession.objects.filter(
            hub_id__in=set(ctx.hubs.values()), date__in={r["session_date"] for r in rows}
        ).order_by("id")
        ctx.sessions = {}
        for pk, hub_id, day, practice_id in sessions.values_list(
            "id", "hub_id", "date", "host_practice_id"
        ):
            ctx.sessions.setdefault((hub_id, day), (pk, practice_id))
        # The appointment each slot holds: its live one, else the last one cancelled there.
        ctx.appointments = {}
        existing = Appointment.objects.filter(
            slot__session_id__in=[pk for pk, _ in ctx.sessions.values()]
        ).order_by("id")
        for pk, session_id, start, child_id, status in existing.values_list(
            "id", "slot__session_id", "slot__start_time", "child_id", "status"
        ):
            live = status not in CANCELLED_STATUSES
            held = ctx.appointments.get((session_id, start))
            if held is None or not held[2] or live:
                ctx.appointments[(session_id, start)] = (pk, child_id, live)

    def validate_row(self, row, ctx):
        if problems := self.hub_problems(row, ctx):
            return problems
        hub_id = ctx.hubs[row["hub_code"]]
        practice = ctx.practices.get(row["host_practice_ods"])
        if practice is None or practice[1] != hub_id:
            problems.append(("host_practice_ods", f"is not a practice of hub {row['hub_code']}"))
        session = ctx.sessions.get((hub_id, row["session_date"]))
        if practice and session and session[1] != practice[0]:
            problems.append(
                ("host_practice_ods", "the hub's session that day is at another practice")
            )
        child = child_of_hub(ctx.children, row["nhs_number"], hub_id)
        if child is None:
            problems.append(("nhs_number", NO_CHILD_IN_HUB))
        if row["referral_date"] and row["referral_date"] > row["session_date"]:
            problems.append(("referral_date", "is after session_date"))
        if row["outcome"] and row["status"] != AppointmentStatus.ATTENDED:
            problems.append(("outcome", "is only for attended appointments"))
        if session and child:
            held = ctx.appointments.get((session[0], row["start_time"]))
            if held is not None and held[2] and held[1] != child[0]:
                problems.append(("start_time", "another child is already booked in this slot"))
        return problems

    def write(self, rows, ctx):
        sessions = self._write_sessions(rows, ctx)
        slots = self._write_slots(rows, ctx, sessions)
        new, known = [], []
        for row in rows:
            session_id = sessions[(ctx.hubs[row["hub_code"]], row["session_date"])]
            child_id = ctx.children[row["nhs_number"]][0]
            values = (
                child_id,
                row["appointment_type"],
                row["referral_date"],
                row["status"],
                row["outcome"] or "",
            )
            slot_id = slots[(session_id, row["start_time"])]
            held = ctx.appointments.get((session_id, row["start_time"]))
            if held is not None and (held[2] or held[1] == child_id):
                known.append((held[0], slot_id, *values, "", ""))
            else:
                new.append((slot_id, *values, "", "", getattr(ctx.by, "pk", None)))
        updated = created = 0
        if known:
            # Rows equal to what is stored are left alone (and get no history entry).
            # The slot and text columns only complete the row PostgreSQL checks before it
            # finds the conflict; the update itself touches FIELDS.
            _, updated = copy_upsert(
                Appointment,
                ["id", "slot", *FIELDS, "reason", "note"],
                known,
                conflict=["id"],
                update=FIELDS,
                by=ctx.by,
            )
        if new:
            created, _ = copy_upsert(
                Appointment,
                ["slot", *FIELDS, "reason", "note", "booked_by"],
                new,
                conflict=["id"],
                update=[],
                by=ctx.by,
            )
        return {"created": created, "updated": updated, "sessions_created": ctx.session_count}

    def _write_sessions(self, rows, ctx):
        sessions = {key: pk for key, (pk, _) in ctx.sessions.items()}
        new = {}
        for row in rows:
            key = (ctx.hubs[row["hub_code"]], row["session_date"])
            if key not in sessions:
                host, times = new.setdefault(key, (row["host_practice_ods"], []))
                times.append(row["start_time"])
        to_create = []
        for (hub_id, day), (ods, times) in new.items():
            start, end = _session_times(times)
            to_create.append(
                ClinicSession(
                    hub_id=hub_id,
                    date=day,
                    host_practice_id=ctx.practices[ods][0],
                    start_time=start,
                    end_time=end,
                    slot_minutes=IMPORTED_SLOT_MINUTES,
                    created_by=ctx.by,
                )
            )
        for session in ClinicSession.objects.bulk_create(to_create, batch_size=2000):
            sessions[(session.hub_id, session.date)] = session.pk
        ctx.session_count = len(to_create)
        return sessions

    def _write_slots(self, rows, ctx, sessions):
        wanted = {
            (sessions[(ctx.hubs[r["hub_code"]], r["session_date"])], r["start_time"]) for r in rows
        }
        copy_upsert(
            Slot,
            ["session", "start_time"],
            list(wanted),
            conflict=["session", "start_time"],
            update=[],
        )
        found = Slot.objects.filter(session_id__in={s for s, _ in wanted}).values_list(
            "session_id", "start_time", "id"
        )
        return {(s, t): pk for s, t, pk in found}
