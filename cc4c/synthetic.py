"""Synthetic hub data at any scale, written as the CSV formats of docs/import-formats.md.

Deterministic for a seed: the same arguments write the same files. NHS numbers come from
ranges never issued to anyone (cc4c.validators.SYNTHETIC_NHS_RANGES, docs/synthetic-data.md).
"""

import csv
import datetime
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

from cc4c.validators import SYNTHETIC_NHS_NUMBERS, synthetic_nhs_number
from hubs.models import Practice
from population.demo import synthetic_child

LONDON = ZoneInfo("Europe/London")
PRACTICES_PER_HUB = 4
MDT_MEETINGS, CASES_PER_MEETING = 10, 12
CLINIC_SESSIONS, SLOTS_PER_SESSION = 12, 8
ADVICE_REQUESTS = 450
CHAMPIONS, ACTIVITIES_PER_CHAMPION = 5, 20
HOSPITAL_RATES = {  # monthly counts per 1,000 children
    "op_new": 11,
    "op_new_subspecialty": 5,
    "op_follow_up": 17,
    "ed_attendance": 20,
    "admission": 5,
}


class TooManyChildren(ValueError):
    """More children asked for than the synthetic NHS numbers hold."""


def _writer(directory, name, header):
    handle = open(directory / f"{name}.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
    writer = csv.writer(handle)
    writer.writerow(header)
    return handle, writer


def _pick(rng, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def generate(directory, *, children, hubs, seed, today=None, comparison=0):
    """Write the seven CSV files into ``directory``; returns {kind: rows written}.

    ``comparison`` practices outside every hub get children and hospital activity too (a
    smaller fall after the hubs start than the hubs' practices), as the evaluation's
    comparison. Refuses, before writing anything, more children than the synthetic NHS numbers
    hold (TooManyChildren)."""
    if children > SYNTHETIC_NHS_NUMBERS:
        raise TooManyChildren(
            f"Synthetic NHS numbers run to {SYNTHETIC_NHS_NUMBERS:,} children at most; "
            f"{children:,} asked for (docs/synthetic-data.md)."
        )
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = Random(seed)
    today = today or datetime.date(2026, 3, 31)
    year_start = today - datetime.timedelta(days=364)
    counts = {}

    hub_codes = [f"SYN-{h:03d}" for h in range(1, hubs + 1)]
    practices = []  # (ods, hub_code); hub_code None for a comparison practice
    handle, out = _writer(
        directory,
        "practices",
        ["ods_code", "name", "hub_code", "hub_name", "postcode", "list_size", "comparison"],
    )
    with handle:
        for h, code in enumerate(hub_codes, start=1):
            for p in range(PRACTICES_PER_HUB):
                ods = f"S{h * 10 + p:05d}"
                practices.append((ods, code))
                out.writerow(
                    [
                        ods,
                        f"Synthetic Practice {ods}",
                        code,
                        f"Synthetic Hub {h}",
                        "W2 1NY",
                        rng.randrange(5000, 15000),
                        "",
                    ]
                )
        for c in range(comparison):
            ods = f"C{c + 1:05d}"
            practices.append((ods, None))
            out.writerow([ods, f"Comparison Practice {ods}", "", "", "W2 1NY", 9000, "yes"])
    counts["practices"] = len(practices)

    by_hub = {code: [] for code in hub_codes}
    by_hub[None] = []
    handle, out = _writer(
        directory,
        "children",
        [
            "nhs_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "postcode",
            "practice_ods",
            "registered_on",
            "deregistered_on",
            "conditions",
            "flags",
            "asthma_plan_reviewed_on",
            "imd_decile",
        ],
    )
    with handle:
        for n in range(children):
            ods, hub_code = practices[rng.randrange(len(practices))]
            number = synthetic_nhs_number(n)
            c = synthetic_child(rng, Practice(postcode="W2 1NY"), today, number)
            if c.deregistered_on is None:
                by_hub[hub_code].append(number)
            out.writerow(
                [
                    number,
                    c.given_name,
                    c.family_name,
                    c.date_of_birth,
                    c.sex,
                    c.postcode,
                    ods,
                    c.registered_on,
                    c.deregistered_on or "",
                    ";".join(c.conditions),
                    ";".join(c.flags),
                    c.asthma_plan_reviewed_on or "",
                    c.imd_decile or "",
                ]
            )
    counts["children"] = children

    handle, out = _writer(
        directory, "hospital-activity", ["practice_ods", "month", "activity", "count"]
    )
    rows = 0
    with handle:
        per_practice = max(children / len(practices), 1) / 1000
        for ods, hub_code in practices:
            for m in range(24):
                month_index = today.year * 12 + today.month - 1 - 23 + m
                month = f"{month_index // 12}-{month_index % 12 + 1:02d}"
                for activity, rate in HOSPITAL_RATES.items():
                    after = 0.95 if hub_code is None else 0.75
                    factor = after if m >= 12 else 1.0
                    out.writerow(
                        [
                            ods,
                            month,
                            activity,
                            round(rate * per_practice * factor * rng.uniform(0.8, 1.2)),
                        ]
                    )
                    rows += 1
    counts["hospital-activity"] = rows

    rows = 0
    handle, out = _writer(
        directory,
        "mdt-cases",
        [
            "hub_code",
            "meeting_date",
            "nhs_number",
            "referred_on",
            "referrer_role",
            "outcome",
            "named_professional",
        ],
    )
    with handle:
        for code in hub_codes:
            pool = by_hub[code]
            for m in range(MDT_MEETINGS):
                meeting = year_start + datetime.timedelta(days=14 + m * 35)
                for number in rng.sample(pool, min(CASES_PER_MEETING, len(pool))):
                    outcome = _pick(
                        rng,
                        [
                            ("primary_care_advice", 59),
                            ("outreach_clinic", 21),
                            ("named_professional", 17),
                            ("other", 3),
                        ],
                    )
                    out.writerow(
                        [
                            code,
                            meeting,
                            number,
                            meeting - datetime.timedelta(days=rng.randrange(7, 30)),
                            rng.choice(["gp", "health_visitor", "school_nurse", "paediatrician"]),
                            outcome,
                            "Community dietician" if outcome == "named_professional" else "",
                        ]
                    )
                    rows += 1
    counts["mdt-cases"] = rows

    rows = 0
    handle, out = _writer(
        directory,
        "clinic-appointments",
        [
            "hub_code",
            "session_date",
            "host_practice_ods",
            "start_time",
            "nhs_number",
            "appointment_type",
            "referral_date",
            "status",
            "outcome",
        ],
    )
    hub_practices = {}
    for ods, code in practices:
        hub_practices.setdefault(code, []).append(ods)
    with handle:
        for code in hub_codes:
            pool = by_hub[code]
            for s in range(CLINIC_SESSIONS):
                day = year_start + datetime.timedelta(days=10 + s * 30)
                host = hub_practices[code][s % PRACTICES_PER_HUB]
                for slot, number in enumerate(rng.sample(pool, min(SLOTS_PER_SESSION, len(pool)))):
                    start = f"{9 + slot * 20 // 60:02d}:{slot * 20 % 60:02d}"
                    status = _pick(
                        rng,
                        [
                            ("attended", 91),
                            ("not_brought", 4),
                            ("cancelled_by_family", 3),
                            ("cancelled_by_clinic", 2),
                        ],
                    )
                    outcome = ""
                    if status == "attended":
                        outcome = _pick(
                            rng,
                            [
                                ("discharged_to_primary_care", 70),
                                ("hub_follow_up", 22),
                                ("hospital_referral", 8),
                            ],
                        )
                    kind = "new" if rng.random() < 0.65 else "follow_up"
                    referral = (
                        day - datetime.timedelta(days=rng.randrange(7, 45)) if kind == "new" else ""
                    )
                    out.writerow([code, day, host, start, number, kind, referral, status, outcome])
                    rows += 1
    counts["clinic-appointments"] = rows

    rows = 0
    handle, out = _writer(
        directory,
        "advice-requests",
        [
            "reference",
            "hub_code",
            "received_at",
            "channel",
            "practice_ods",
            "nhs_number",
            "first_response_at",
            "outcome",
        ],
    )
    with handle:
        for code in hub_codes:
            pool = by_hub[code]
            for r in range(ADVICE_REQUESTS):
                day = year_start + datetime.timedelta(days=rng.randrange(0, 365))
                received = datetime.datetime.combine(
                    day, datetime.time(rng.randrange(8, 19), rng.randrange(60)), LONDON
                )
                answered = (
                    received + datetime.timedelta(minutes=rng.randrange(30, 60 * 40))
                    if rng.random() < 0.96
                    else None
                )
                outcome = (
                    _pick(
                        rng,
                        [
                            ("primary_care_advice", 62),
                            ("outreach_clinic", 14),
                            ("mdt_discussion", 6),
                            ("hospital_referral", 12),
                            ("other", 6),
                        ],
                    )
                    if answered
                    else ""
                )
                out.writerow(
                    [
                        f"ADV-{r + 1:05d}",
                        code,
                        received.isoformat(),
                        rng.choice(["email", "email", "web", "phone"]),
                        rng.choice(hub_practices[code]),
                        rng.choice(pool) if pool and rng.random() < 0.7 else "",
                        answered.isoformat() if answered else "",
                        outcome,
                    ]
                )
                rows += 1
    counts["advice-requests"] = rows

    rows = 0
    handle, out = _writer(
        directory,
        "champion-activities",
        [
            "champion_ref",
            "given_name",
            "family_name",
            "practice_ods",
            "activity_date",
            "activity_type",
            "hours",
            "people_reached",
        ],
    )
    with handle:
        for code in hub_codes:
            for c in range(CHAMPIONS):
                ref = f"CH-{code}-{c + 1}"
                given, family = (
                    rng.choice(["Amina", "Beth", "Carlos", "Dee", "Ewa"]),
                    rng.choice(["Ali", "Brown", "Costa", "Diaz"]),
                )
                practice = rng.choice(hub_practices[code])
                for day in sorted(rng.sample(range(365), ACTIVITIES_PER_CHAMPION)):
                    out.writerow(
                        [
                            ref,
                            given,
                            family,
                            practice,
                            year_start + datetime.timedelta(days=day),
                            rng.choice(
                                [
                                    "peer_support",
                                    "health_education",
                                    "co_design",
                                    "waiting_room",
                                    "community_event",
                                ]
                            ),
                            rng.choice(["1", "1.5", "2", "2.5", "3", "4"]),
                            rng.randrange(0, 30),
                        ]
                    )
                    rows += 1
    counts["champion-activities"] = rows
    return counts
