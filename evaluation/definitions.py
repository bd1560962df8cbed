"""Every evaluation measure: its key, section, kind and definition (docs/evaluation-measures.md).

The page, the CSV/XLSX/PDF downloads and the command line all read this one table.

Kinds:
- ``count``: a count of children, appointments, cases or requests: suppressed for small numbers.
- ``tally``: a count of something else (meetings, sessions, champions): never suppressed.
- ``pct``, ``ratio``, ``median``: derived figures; ``*`` when a count they derive from is.
- ``hours``, ``money``, ``mean``: never suppressed.

``derived_from`` names the counts a derived figure comes from; names starting with ``_`` are
numerators the metrics functions return for suppression only, never shown.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Measure:
    key: str
    section: str
    label: str
    definition: str
    kind: str
    derived_from: tuple = field(default_factory=tuple)
    unit: str = ""


SECTIONS = [
    ("population", "Population"),
    ("mdt", "MDT meetings"),
    ("clinics", "Outreach clinics"),
    ("advice", "Advice line"),
    ("champions", "Practice champions"),
    ("experience", "Experience"),
    ("families", "Messages to families"),
    ("hospital", "Hospital activity"),
]

HOSPITAL_ACTIVITIES = [
    ("op_new", "new general paediatric outpatient appointments"),
    ("op_new_subspecialty", "new subspecialty outpatient appointments"),
    ("op_follow_up", "outpatient follow-up appointments"),
    ("ed_attendance", "emergency department attendances"),
    ("admission", "admissions"),
]

MDT_OUTCOMES = ["primary_care_advice", "outreach_clinic", "named_professional", "other"]
CLINIC_OUTCOMES = [
    ("discharged", "discharged_to_primary_care"),
    ("hub_follow_up", "hub_follow_up"),
    ("hospital_referral", "hospital_referral"),
]
ADVICE_OUTCOMES = [
    "primary_care_advice",
    "outreach_clinic",
    "mdt_discussion",
    "hospital_referral",
    "other",
]


FAMILY_MESSAGE_MEASURES = [
    Measure(
        "family_messages_sent",
        "families",
        "Messages sent to families",
        "Texts and emails to families that GOV.UK Notify accepted in the period (messages kept "
        "without a Notify key, withdrawn or still waiting are not counted).",
        "tally",
    ),
    Measure(
        "family_messages_delivered",
        "families",
        "Messages delivered",
        "Of those, the messages Notify reported delivered.",
        "tally",
    ),
    Measure(
        "clinic_dna_reminded_pct",
        "families",
        "Not brought, with a delivered reminder (%)",
        "Of the appointments in sessions dated in the period that were attended or not brought "
        "and whose family had a reminder delivered, the percentage not brought.",
        "pct",
        ("_clinic_reminded_not_brought_n", "_clinic_reminded_n"),
    ),
    Measure(
        "clinic_dna_not_reminded_pct",
        "families",
        "Not brought, without a delivered reminder (%)",
        "Of the appointments in sessions dated in the period that were attended or not brought "
        "and whose family had no reminder delivered, the percentage not brought.",
        "pct",
        ("_clinic_not_reminded_not_brought_n", "_clinic_not_reminded_n"),
    ),
    Measure(
        "family_cancellations",
        "families",
        "Appointments cancelled by families",
        "Appointments in sessions dated in the period cancelled by the family (through the link "
        "in a message, or by telling the hub).",
        "count",
    ),
    Measure(
        "family_cancelled_slots_rebooked",
        "families",
        "Slots families gave back that were rebooked",
        "Of those appointments, the ones whose slot was booked again for another appointment "
        "that was not cancelled.",
        "count",
    ),
]


def _measures():
    m = [
        Measure(
            "children_registered",
            "population",
            "Children registered",
            "Children registered at the hub's practices on the last day of the period and under "
            "the population's age limit (before their 18th birthday).",
            "count",
        ),
    ]
    for n in range(1, 9):
        m.append(
            Measure(
                f"segment_{n}_children",
                "population",
                f"Segment {n} children",
                f"Of the children registered, those whose segment was {n} on the last day of "
                "the period, as kept at that month end (their current segment when the period "
                "has not ended or none was kept).",
                "count",
            )
        )
    m += [
        Measure(
            "asthma_register",
            "population",
            "Asthma register",
            "Of the children registered, those with an asthma condition on the last day of the "
            "period, as kept at that month end (current conditions when the period has not "
            "ended or none was kept).",
            "count",
        ),
        Measure(
            "asthma_plan_pct",
            "population",
            "Asthma plans in date (%)",
            "Of the asthma register, the percentage whose asthma management plan was written or "
            "reviewed in the 365 days up to and including the last day of the period, as kept at "
            "that month end (current plan dates when the period has not ended or none was kept).",
            "pct",
            ("_asthma_plan_n", "asthma_register"),
        ),
        Measure("mdt_meetings", "mdt", "MDT meetings", "Meetings held in the period.", "tally"),
        Measure(
            "mdt_cases_discussed",
            "mdt",
            "Cases discussed",
            "Case discussions at those meetings (a child discussed twice counts twice).",
            "count",
        ),
        Measure(
            "mdt_cases_per_meeting",
            "mdt",
            "Cases per meeting",
            "Cases discussed divided by meetings held.",
            "ratio",
            ("mdt_cases_discussed",),
        ),
    ]
    for outcome in MDT_OUTCOMES:
        m.append(
            Measure(
                f"mdt_outcome_{outcome}_pct",
                "mdt",
                f"Outcome: {outcome.replace('_', ' ')} (%)",
                f"Percentage of case discussions whose outcome is {outcome}.",
                "pct",
                (f"_mdt_outcome_{outcome}_n", "mdt_cases_discussed"),
            )
        )
    m += [
        Measure(
            "clinic_sessions",
            "clinics",
            "Clinic sessions",
            "Sessions held in the period (cancelled sessions excluded).",
            "tally",
        ),
        Measure(
            "clinic_appointments",
            "clinics",
            "Appointments",
            "Appointments in those sessions, not counting those cancelled by family or clinic.",
            "count",
        ),
        Measure("clinic_attendances", "clinics", "Attendances", "Appointments attended.", "count"),
        Measure(
            "clinic_patients_seen",
            "clinics",
            "Patients seen",
            "Distinct children with an attended appointment.",
            "count",
        ),
        Measure(
            "clinic_new_patients",
            "clinics",
            "New patients",
            "Attended appointments of type new.",
            "count",
        ),
        Measure(
            "clinic_not_brought",
            "clinics",
            "Not brought",
            "Appointments the child was not brought to.",
            "count",
        ),
        Measure(
            "clinic_dna_pct",
            "clinics",
            "DNA rate (%)",
            "Not brought / (attendances + not brought) × 100.",
            "pct",
            ("clinic_not_brought", "clinic_attendances"),
        ),
        Measure(
            "clinic_median_wait_days",
            "clinics",
            "Median wait (days)",
            "Median days from referral date to session date over new appointments that were "
            "attended or not brought and have a referral date.",
            "median",
            ("_clinic_wait_n",),
            "days",
        ),
    ]
    for short, outcome in CLINIC_OUTCOMES:
        m.append(
            Measure(
                f"clinic_outcome_{short}_pct",
                "clinics",
                f"Outcome: {outcome.replace('_', ' ')} (%)",
                f"Of attended appointments with an outcome, the percentage {outcome}.",
                "pct",
                (f"_clinic_outcome_{short}_n", "_clinic_outcomes_n"),
            )
        )
    m += [
        Measure(
            "advice_requests",
            "advice",
            "Advice requests",
            "Requests received in the period.",
            "count",
        ),
        Measure(
            "advice_answered",
            "advice",
            "Answered",
            "Of those, requests with a first response.",
            "count",
        ),
        Measure(
            "advice_within_target_pct",
            "advice",
            "Answered within target (%)",
            "Percentage of requests whose first response came no later than the request's own "
            "response target after receipt: the hub's response target for a routine request "
            "(clock hours, or working days excluding weekends and bank holidays in England), the "
            "hub's urgent target for an urgent one (working hours, default 4). An unanswered "
            "request counts as missed once its target has passed, and is left out while its "
            "target has not yet passed.",
            "pct",
            ("_advice_within_target_n", "_advice_target_due_n"),
        ),
        Measure(
            "advice_median_response_hours",
            "advice",
            "Median response (hours)",
            "Median hours from receipt to first response over answered requests.",
            "median",
            ("advice_answered",),
            "hours",
        ),
    ]
    for outcome in ADVICE_OUTCOMES:
        m.append(
            Measure(
                f"advice_outcome_{outcome}_pct",
                "advice",
                f"Outcome: {outcome.replace('_', ' ')} (%)",
                f"Of requests with an outcome, the percentage {outcome}.",
                "pct",
                (f"_advice_outcome_{outcome}_n", "_advice_outcomes_n"),
            )
        )
    m += [
        Measure(
            "champions_active",
            "champions",
            "Active champions",
            "Champions with at least one activity in the period.",
            "tally",
        ),
        Measure(
            "champion_activities", "champions", "Activities", "Activities in the period.", "tally"
        ),
        Measure(
            "champion_hours",
            "champions",
            "Volunteer hours",
            "Volunteer hours in the period.",
            "hours",
            unit="hours",
        ),
        Measure(
            "champion_people_reached",
            "champions",
            "People reached",
            "Sum of people reached by the activities.",
            "tally",
        ),
    ]
    m += [
        Measure(
            "family_feedback_responses",
            "experience",
            "Family feedback responses",
            "Friends and Family Test answers received from families in the period.",
            "count",
        ),
        Measure(
            "family_positive_pct",
            "experience",
            "Families rating the service good or very good (%)",
            "(very good + good) / all responses × 100, as the national Friends and Family Test "
            "reports it.",
            "pct",
            ("_family_positive_n", "family_feedback_responses"),
        ),
        Measure(
            "family_prefer_practice_pct",
            "experience",
            "Families preferring their GP practice next time (%)",
            "Of responses that answered where they would rather their child was seen next "
            "time, the percentage choosing the GP practice.",
            "pct",
            ("_family_prefer_practice_n", "_family_place_answered_n"),
        ),
        Measure(
            "mdt_attendances",
            "experience",
            "MDT attendances",
            "People-attendances at the MDT meetings held in the period.",
            "tally",
        ),
        Measure(
            "mdt_usefulness_mean",
            "experience",
            "MDT usefulness (mean of 1–5)",
            "Mean of attendees' 1–5 rating of how useful the period's MDT meetings were.",
            "mean",
        ),
    ]
    m += FAMILY_MESSAGE_MEASURES
    for activity, label in HOSPITAL_ACTIVITIES:
        m += [
            Measure(
                f"hospital_{activity}_baseline",
                "hospital",
                f"{label.capitalize()}: baseline",
                f"Hospital {label} for the hub's practices over the whole months of the baseline.",
                "count",
            ),
            Measure(
                f"hospital_{activity}_period",
                "hospital",
                f"{label.capitalize()}: period",
                f"Hospital {label} for the hub's practices over the whole months of the period.",
                "count",
            ),
            Measure(
                f"hospital_{activity}_change_pct",
                "hospital",
                f"{label.capitalize()}: change (%)",
                "(period − baseline) / baseline × 100; negative is a reduction.",
                "pct",
                (f"hospital_{activity}_baseline", f"hospital_{activity}_period"),
            ),
        ]
    m += [
        Measure(
            "new_appointments_in_hub_pct",
            "hospital",
            "New appointments in the hub (%)",
            "Clinic new patients / (clinic new patients + hospital new general paediatric "
            "appointments in the period) × 100: the share of new appointments that took place "
            "in the hub rather than in hospital.",
            "pct",
            ("clinic_new_patients", "hospital_op_new_period"),
        ),
        Measure(
            "estimated_net_saving_gbp",
            "hospital",
            "Estimated net saving (£)",
            "Sum over hospital activities of (baseline − period) × unit cost, minus clinic "
            "sessions × the cost of a clinic session; unit costs of the financial year in which "
            "the period ends, set per hub by its coordinator.",
            "money",
            unit="£",
        ),
    ]
    return m


MEASURES = _measures()
BY_KEY = {m.key: m for m in MEASURES}


def measures_in(section):
    return [m for m in MEASURES if m.section == section]
