"""The ``champion-activities`` CSV format: a hub's log of what its practice champions did."""

from decimal import Decimal

from cc4c.imports import (
    Column,
    ImportFormat,
    copy_upsert,
    non_negative_decimal,
    non_negative_int,
    ods_code,
    one_of,
    parse_date,
    register,
    shaped,
    text,
)
from champions.models import Activity, ActivityType, Champion
from hubs.imports import ByPractice


@shaped("hours, below 1000, at most 2 decimals, e.g. 1.5")
def hours(value):
    number = non_negative_decimal(value)
    if number >= 1000 or number != number.quantize(Decimal("0.01")):
        raise ValueError(f"'{value}' is not a number of hours below 1000 with at most 2 decimals")
    return number


@register
class ChampionActivitiesFormat(ByPractice, ImportFormat):
    kind = "champion-activities"
    title = "What the practice champions did"
    columns = [
        Column("champion_ref", parse=text(40)),
        Column("given_name", parse=text(100)),
        Column("family_name", parse=text(100)),
        Column("practice_ods", parse=ods_code),
        Column("activity_date", parse=parse_date),
        Column("activity_type", parse=one_of(ActivityType.values)),
        Column("hours", parse=hours),
        Column("people_reached", required=False, parse=non_negative_int),
    ]
    natural_key = ("champion_ref", "activity_date", "activity_type")

    def prepare(self, rows, ctx):
        super().prepare(rows, ctx)
        refs = {row["champion_ref"] for row in rows}
        ctx.champions = {
            (hub_id, ref): practice_id
            for hub_id, ref, practice_id in Champion.objects.filter(
                champion_ref__in=refs
            ).values_list("hub_id", "champion_ref", "practice_id")
        }
        # The first line naming each champion: later lines must agree on who they are.
        ctx.first_seen = {}

    def validate_row(self, row, ctx):
        if problems := self.hub_problems(row, ctx):
            return problems
        practice = ctx.practices[row["practice_ods"]]
        if row["activity_date"] > ctx.today:
            problems.append(("activity_date", "is in the future"))
        who = (row["given_name"], row["family_name"], row["practice_ods"])
        first = ctx.first_seen.setdefault((practice[1], row["champion_ref"]), (row.line, who))
        if first[1] != who:
            problems.append(
                (
                    "champion_ref",
                    f"{row['champion_ref']} has a different name or practice on line {first[0]}",
                )
            )
        return problems

    def write(self, rows, ctx):
        new = {}
        for row in rows:
            practice_id, hub_id = ctx.practices[row["practice_ods"]]
            key = (hub_id, row["champion_ref"])
            if key in ctx.champions:
                continue
            start = min(row["activity_date"], new[key][6]) if key in new else row["activity_date"]
            new[key] = (
                row["champion_ref"],
                row["given_name"],
                row["family_name"],
                practice_id,
                hub_id,
                "",
                start,
            )
        champions_created = 0
        if new:
            records = [(*r[:5], "", "", "", "", r[6]) for r in new.values()]
            # A champion is created if new; one already known keeps what the hub recorded.
            champions_created, _ = copy_upsert(
                Champion,
                [
                    "champion_ref",
                    "given_name",
                    "family_name",
                    "practice",
                    "hub",
                    "email",
                    "phone",
                    "emergency_contact_name",
                    "emergency_contact_phone",
                    "start_date",
                ],
                records,
                conflict=["hub", "champion_ref"],
                update=[],
                by=ctx.by,
            )
        hub_ids = {hub_id for hub_id, _ref in new} | {h for h, _r in ctx.champions}
        champion_ids = {
            (hub_id, ref): pk
            for hub_id, ref, pk in Champion.objects.filter(
                hub_id__in=hub_ids, champion_ref__in={row["champion_ref"] for row in rows}
            ).values_list("hub_id", "champion_ref", "pk")
        }
        records = [
            (
                champion_ids[(ctx.practices[row["practice_ods"]][1], row["champion_ref"])],
                row["activity_date"],
                row["activity_type"],
                row["hours"],
                row["people_reached"],
                "",
            )
            for row in rows
        ]
        created, updated = copy_upsert(
            Activity,
            ["champion", "date", "type", "hours", "people_reached", "notes"],
            records,
            conflict=["champion", "date", "type"],
            update=["hours", "people_reached"],
            by=ctx.by,
        )
        return {"created": created, "updated": updated, "champions_created": champions_created}
