"""Every evaluation measure: its key, section, kind and definition (docs/evaluation-measures.md).

The page, the CSV/XLSX/PDF downloads and the command line all read this one table.

Kinds:
- ``count``: a count of children, appointments, cases or requests: suppressed for small numbers.
- ``tally``: a count of something else (meetings, sessions, champions): never suppressed.
- ``pct`` (a proportion, with its Wilson interval), ``change`` (a percentage change between a
  baseline and a period, with its rate ratio interval), ``ratio``, ``median``: derived
  figures; ``*`` when a count they derive from is.
- ``rate`` (per 1,000 children), ``points`` (a difference of two changes, in percentage
  points, with its interval), ``hours``, ``money``, ``mean``: never suppressed.

``derived_from`` names the counts a derived figure comes from; names starting with ``_`` are
figures the metrics functions return for suppression and intervals only, never shown.
``proportion``, ``ratio`` and ``difference_of`` say what a figure's 95% interval is computed
from (evaluation.uncertainty); ``better`` is the direction of good (+1 higher, -1 lower).
"""

from dataclasses import dataclass, field

from advice.models import Outcome as AdviceOutcome
from clinics.models import Outcome as ClinicOutcome
from mdt.models import Outcome as MdtOutcome
from population.metrics import MEASURED_PROGRAMMES, UNPLANNED_MEASURES


@dataclass(frozen=True)
class Measure:
    key: str
    section: str
    label: str
    definition: str
    kind: str
    derived_from: tuple = field(default_factory=tuple)
    unit: str = ""
    # pct: (numerator, (denominator terms, summed)), the figures of its Wilson interval.
    proportion: tuple = ()
    # change: (events, exposure, baseline events, baseline exposure); an exposure of None is 1.
    ratio: tuple = ()
    # points: the two change measures whose difference this is.
    difference_of: tuple = ()
    better: int = 0  # the direction of good: +1 higher, -1 lower, 0 neither


SECTIONS = [
    ("population", "Population"),
    ("programmes", "Population health programmes"),
    ("mdt", "MDT meetings"),
    ("clinics", "Outreach clinics"),
    ("advice", "Advice line"),
    ("champions", "Practice champions"),
    ("experience", "Experience"),
    ("families", "Messages to families"),
    ("hospital", "Hospital activity"),
    ("rates", "Hospital activity per 1,000 children"),
    ("comparison", "Against comparison practices"),
    ("costs", "Cost model"),
]

HOSPITAL_ACTIVITIES = [
    ("op_new", "new general paediatric outpatient appointments"),
    ("op_new_subspecialty", "new subspecialty outpatient appointments"),
    ("op_follow_up", "outpatient follow-up appointments"),
    ("ed_attendance", "emergency department attendances"),
    ("admission", "admissions"),
]
# Each activity's name on its own, for tables and charts.
ACTIVITY_NAMES = {
    "op_new": "New outpatient appointments",
    "op_new_subspecialty": "New subspecialty appointments",
    "op_follow_up": "Outpatient follow-ups",
    "ed_attendance": "Emergency department attendances",
    "admission": "Admissions",
}

MDT_OUTCOMES = MdtOutcome.values
CLINIC_OUTCOMES = [
    ("discharged", ClinicOutcome.DISCHARGED),
    ("hub_follow_up", ClinicOutcome.HUB_FOLLOW_UP),
    ("hospital_referral", ClinicOutcome.HOSPITAL_REFERRAL),
]
ADVICE_OUTCOMES = AdviceOutcome.values


def _sentence(label):
    """A choice's label inside a sentence: "Other" -> "other", "MDT discussion" stays."""
    return label if label[1:2].isupper() else label[0].lower() + label[1:]


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
        proportion=("_clinic_reminded_not_brought_n", ("_clinic_reminded_n",)),
        better=-1,
    ),
    Measure(
        "clinic_dna_not_reminded_pct",
        "families",
        "Not brought, without a delivered reminder (%)",
        "Of the appointments in sessions dated in the period that were attended or not brought "
        "and whose family had no reminder delivered, the percentage not brought.",
        "pct",
        ("_clinic_not_reminded_not_brought_n", "_clinic_not_reminded_n"),
        proportion=("_clinic_not_reminded_not_brought_n", ("_clinic_not_reminded_n",)),
        better=-1,
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


UNPLANNED_NAMES = {
    "ed_attendances": ("Emergency department attendances", "emergency department attendances"),
    "admissions": ("Admissions", "admissions"),
}


def upper_first(words):
    """ "HbA1c measured" stays, "dental check" -> "Dental check"."""
    return words[:1].upper() + words[1:]


def _in_date(stem, label, definition):
    """A programme's "% in date" measure ``<stem>_pct``, from its hidden ``_<stem>_n`` of
    ``_<stem>_d``."""
    n, d = f"_{stem}_n", f"_{stem}_d"
    return Measure(
        f"{stem}_pct",
        "programmes",
        label,
        definition,
        "pct",
        (n, d),
        proportion=(n, (d,)),
        better=1,
    )


def programme_measures():
    """The "Population health programmes" section: per shipped programme its register and, per
    due care process, the % in date overall and in IMD quintile 1; then the ED attendances and
    admissions of the hospital-events import per 1,000 children."""
    m = []
    for key, title, processes in MEASURED_PROGRAMMES:
        m.append(
            Measure(
                f"programme_{key}_register",
                "programmes",
                f"{title}: children on the register",
                f"Of the children registered, those on the {title.lower()} programme's register "
                "on the last day of the period: in its age band then, with a condition of its "
                "value sets (or every child of the band, for a whole-population programme) by "
                "their current conditions.",
                "count",
            )
        )
        for process, label in processes:
            stem = f"programme_{key}_{process}"
            m += [
                _in_date(
                    stem,
                    f"{title}: {label}, in date (%)",
                    f"Of the children on the {title.lower()} programme's register on the last "
                    f'day of the period and not excluded from "{label}" then, the percentage '
                    "for whom it was in date, due soon or had nothing to follow up that day, from "
                    "the care events and exclusions recorded up to then: as the programme's "
                    "worklist counts coverage.",
                ),
                _in_date(
                    f"{stem}_core20",
                    f"{title}: {label}, in date, IMD quintile 1 (%)",
                    f'The same percentage for "{label}" over the {title.lower()} programme\'s '
                    "register children of IMD quintile 1 only (deciles 1 and 2: Core20, "
                    "England's most deprived 20%); children without an IMD decile count only in "
                    "the overall figure.",
                ),
            ]
    for _kind, name in UNPLANNED_MEASURES:
        short, words = UNPLANNED_NAMES[name]
        m.append(
            Measure(
                f"hospital_events_{name}_per_1000",
                "programmes",
                f"{short} per 1,000 registered children",
                f"Of the children registered on the last day of the period, their {words} "
                "dated in the period (the hospital-events import) per 1,000 of them, rounded to "
                "one decimal place.",
                "rate",
                unit="per 1,000 children",
                better=-1,
            )
        )
    return m


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
            "Children on the asthma register",
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
            proportion=("_asthma_plan_n", ("asthma_register",)),
            better=1,
        ),
        *programme_measures(),
        Measure(
            "mdt_meetings", "mdt", "MDT meetings held", "Meetings held in the period.", "tally"
        ),
        Measure(
            "mdt_cases_discussed",
            "mdt",
            "Cases discussed",
            "Case discussions at those meetings (a child discussed twice counts twice).",
            "count",
            better=1,
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
                f"Outcome: {_sentence(MdtOutcome(outcome).label)} (%)",
                "Percentage of case discussions whose outcome is "
                f'"{_sentence(MdtOutcome(outcome).label)}".',
                "pct",
                (f"_mdt_outcome_{outcome}_n", "mdt_cases_discussed"),
                proportion=(f"_mdt_outcome_{outcome}_n", ("mdt_cases_discussed",)),
            )
        )
    m += [
        Measure(
            "clinic_sessions",
            "clinics",
            "Clinic sessions held",
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
            "Children seen",
            "Distinct children with an attended appointment.",
            "count",
        ),
        Measure(
            "clinic_new_patients",
            "clinics",
            "New patients seen",
            "Attended appointments of type new.",
            "count",
        ),
        Measure(
            "clinic_not_brought",
            "clinics",
            "Children not brought",
            "Appointments the child was not brought to.",
            "count",
        ),
        Measure(
            "clinic_dna_pct",
            "clinics",
            "Not brought (DNA rate, %)",
            "Not brought / (attendances + not brought) × 100.",
            "pct",
            ("clinic_not_brought", "clinic_attendances"),
            proportion=("clinic_not_brought", ("clinic_attendances", "clinic_not_brought")),
            better=-1,
        ),
        Measure(
            "clinic_median_wait_days",
            "clinics",
            "Median wait from referral (days)",
            "Median days from referral date to session date over new appointments that were "
            "attended or not brought and have a referral date.",
            "median",
            ("_clinic_wait_n",),
            "days",
            better=-1,
        ),
    ]
    for short, outcome in CLINIC_OUTCOMES:
        m.append(
            Measure(
                f"clinic_outcome_{short}_pct",
                "clinics",
                f"Outcome: {_sentence(outcome.label)} (%)",
                f"Of attended appointments with an outcome, the percentage "
                f'"{_sentence(outcome.label)}".',
                "pct",
                (f"_clinic_outcome_{short}_n", "_clinic_outcomes_n"),
                proportion=(f"_clinic_outcome_{short}_n", ("_clinic_outcomes_n",)),
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
            "Requests answered",
            "Of those, requests with a first response.",
            "count",
        ),
        Measure(
            "advice_within_target_pct",
            "advice",
            "Answered within the response target (%)",
            "Percentage of requests whose first response came no later than the request's own "
            "response target after receipt: the hub's response target for a routine request "
            "(clock hours, or working days excluding weekends and bank holidays in England), the "
            "hub's urgent target for an urgent one (default 4 hours, counted as the hub counts "
            "its target: working hours for a target in working days, clock hours for one in "
            "hours; never longer than the routine target). An unanswered request counts as "
            "missed once its target has passed, and is left out while its target has not yet "
            "passed.",
            "pct",
            ("_advice_within_target_n", "_advice_target_due_n"),
            proportion=("_advice_within_target_n", ("_advice_target_due_n",)),
            better=1,
        ),
        Measure(
            "advice_median_response_hours",
            "advice",
            "Median time to first response (hours)",
            "Median hours from receipt to first response over answered requests.",
            "median",
            ("advice_answered",),
            "hours",
            better=-1,
        ),
    ]
    for outcome in ADVICE_OUTCOMES:
        m.append(
            Measure(
                f"advice_outcome_{outcome}_pct",
                "advice",
                f"Outcome: {_sentence(AdviceOutcome(outcome).label)} (%)",
                "Of requests with an outcome, the percentage "
                f'"{_sentence(AdviceOutcome(outcome).label)}".',
                "pct",
                (f"_advice_outcome_{outcome}_n", "_advice_outcomes_n"),
                proportion=(f"_advice_outcome_{outcome}_n", ("_advice_outcomes_n",)),
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
            proportion=("_family_positive_n", ("family_feedback_responses",)),
            better=1,
        ),
        Measure(
            "family_prefer_practice_pct",
            "experience",
            "Families preferring their GP practice next time (%)",
            "Of responses that answered where they would rather their child was seen next "
            "time, the percentage choosing the GP practice.",
            "pct",
            ("_family_prefer_practice_n", "_family_place_answered_n"),
            proportion=("_family_prefer_practice_n", ("_family_place_answered_n",)),
            better=1,
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
            better=1,
        ),
    ]
    m += FAMILY_MESSAGE_MEASURES
    for activity, label in HOSPITAL_ACTIVITIES:
        short = ACTIVITY_NAMES[activity]
        baseline, period = f"hospital_{activity}_baseline", f"hospital_{activity}_period"
        m += [
            Measure(
                baseline,
                "hospital",
                f"{short}: baseline",
                f"Hospital {label} for the hub's practices over the whole months of the baseline.",
                "count",
            ),
            Measure(
                period,
                "hospital",
                f"{short}: period",
                f"Hospital {label} for the hub's practices over the whole months of the period.",
                "count",
            ),
            Measure(
                f"hospital_{activity}_change_pct",
                "hospital",
                f"{short}: change (%)",
                "(period − baseline) / baseline × 100; negative is a reduction.",
                "change",
                (baseline, period),
                ratio=(period, None, baseline, None),
                better=-1,
            ),
        ]
    m.append(
        Measure(
            "new_appointments_in_hub_pct",
            "hospital",
            "New appointments held in the hub rather than in hospital (%)",
            "Clinic new patients / (clinic new patients + hospital new general paediatric "
            "appointments in the period) × 100: the share of new appointments that took place "
            "in the hub rather than in hospital.",
            "pct",
            ("clinic_new_patients", "hospital_op_new_period"),
            proportion=("clinic_new_patients", ("clinic_new_patients", "hospital_op_new_period")),
            better=1,
        )
    )
    for activity, label in HOSPITAL_ACTIVITIES:
        short = ACTIVITY_NAMES[activity]
        baseline, period = f"hospital_{activity}_baseline", f"hospital_{activity}_period"
        m += [
            Measure(
                f"hospital_{activity}_per_1000_baseline",
                "rates",
                f"{short} per 1,000 children: baseline",
                f"Hospital {label} over the whole months of the baseline / children registered "
                "on the baseline's last day (counted as children registered are counted) × "
                "1,000, rounded once to one decimal place.",
                "rate",
                unit="per 1,000 children",
                better=-1,
            ),
            Measure(
                f"hospital_{activity}_per_1000_period",
                "rates",
                f"{short} per 1,000 children: period",
                f"Hospital {label} over the whole months of the period / children registered "
                "on the period's last day × 1,000, rounded once to one decimal place.",
                "rate",
                unit="per 1,000 children",
                better=-1,
            ),
            Measure(
                f"hospital_{activity}_rate_change_pct",
                "rates",
                f"{short} per 1,000 children: change (%)",
                "(rate in the period − rate in the baseline) / rate in the baseline × 100, "
                "from the unrounded rates; negative is a reduction.",
                "change",
                ratio=(period, "_registered_period", baseline, "_registered_baseline"),
                better=-1,
            ),
        ]
    for activity, label in HOSPITAL_ACTIVITIES:
        short = ACTIVITY_NAMES[activity]
        m += [
            Measure(
                f"hospital_{activity}_comparison_change_pct",
                "comparison",
                f"{short} per 1,000 children at comparison practices: change (%)",
                f"The change of {label} per 1,000 children registered, over all comparison "
                "practices together, from their baseline to their period; empty when none are "
                "loaded.",
                "change",
                ratio=(
                    f"_comparison_{activity}_period",
                    "_comparison_registered_period",
                    f"_comparison_{activity}_baseline",
                    "_comparison_registered_baseline",
                ),
            ),
            Measure(
                f"hospital_{activity}_relative_change_pct",
                "comparison",
                f"{short} per 1,000 children: change against comparison practices "
                "(percentage points)",
                "The hub's change per 1,000 children minus the comparison practices' change, "
                "in percentage points, from the unrounded changes; negative: a larger fall (or "
                "smaller rise) than at the comparison practices. Empty when none are loaded.",
                "points",
                unit="percentage points",
                difference_of=(
                    f"hospital_{activity}_rate_change_pct",
                    f"hospital_{activity}_comparison_change_pct",
                ),
                better=-1,
            ),
        ]
    m += [
        Measure(
            "estimated_gross_saving_gbp",
            "costs",
            "Hospital activity avoided, at tariff (£)",
            "Sum over hospital activities of (baseline − period) × the activity's tariff on "
            "the last day of the period: the hub's own where it has one, else the national "
            "default.",
            "money",
            unit="£",
            better=1,
        ),
        Measure(
            "hub_running_cost_gbp",
            "costs",
            "Running cost of the hub (£)",
            "Clinic sessions held × the hub's cost of a clinic session, plus the hub's yearly "
            "running cost × whole months of the period / 12; both of the financial year in "
            "which the period ends, each only where the hub entered it (else 0).",
            "money",
            unit="£",
            better=-1,
        ),
        Measure(
            "estimated_net_saving_gbp",
            "costs",
            "Estimated net saving (£)",
            "Hospital activity avoided, at tariff, minus the running cost of the hub: negative "
            "when the hub cost more than the hospital activity it avoided (or activity rose).",
            "money",
            unit="£",
            better=1,
        ),
    ]
    return m


MEASURES = _measures()
BY_KEY = {m.key: m for m in MEASURES}


def measures_in(section):
    return [m for m in MEASURES if m.section == section]
