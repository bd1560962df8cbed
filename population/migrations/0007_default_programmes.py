"""The default programmes of the five Core20PLUS5 children's clinical areas
(docs/population-framework.md, "Programmes"): asthma, diabetes, epilepsy, oral health and
mental health, each a register with its care processes."""

from django.db import migrations

# A value set only the mental health programme's register uses (segmentation ignores it).
MENTAL_HEALTH = (
    "mental_health",
    "Mental health condition",
    [
        "35489007",  # Depressive disorder
        "197480006",  # Anxiety disorder
        "72366004",  # Eating disorder
        "69322001",  # Psychotic disorder
        "13746004",  # Bipolar disorder
        "47505003",  # Posttraumatic stress disorder
        "191736004",  # Obsessive-compulsive disorder
    ],
)

# (key, title, description, value sets, whole population, ages, processes), each process
# (key, title, interval days, follows key, SNOMED CT codes, reads asthma_plan_reviewed_on).
PROGRAMMES = [
    (
        "asthma",
        "Asthma",
        "Children with asthma: a management plan and inhaler technique checked every year.",
        ["asthma"],
        False,
        (0, 17),
        [
            (
                "management_plan",
                "Asthma management plan reviewed",
                365,
                None,
                ["810901000000102", "736056000"],
                True,
            ),
            ("inhaler_technique", "Inhaler technique checked", 365, None, ["170614009"], False),
        ],
    ),
    (
        "diabetes",
        "Diabetes",
        "Children with type 1 or type 2 diabetes: HbA1c every 3 months and an annual review.",
        ["type_1_diabetes", "type_2_diabetes"],
        False,
        (0, 17),
        [
            ("hba1c", "HbA1c measured", 91, None, ["43396009", "999791000000106"], False),
            ("annual_review", "Diabetes annual review", 365, None, ["170777000"], False),
        ],
    ),
    (
        "epilepsy",
        "Epilepsy",
        "Children with epilepsy: a review and an agreed care plan every year.",
        ["epilepsy"],
        False,
        (0, 17),
        [
            ("annual_review", "Epilepsy review", 365, None, [], False),
            ("care_plan", "Epilepsy care plan agreed", 365, None, [], False),
        ],
    ),
    (
        "oral_health",
        "Oral health",
        "Every child aged 1 to 10: a dental check every year.",
        [],
        True,
        (1, 10),
        [("dental_check", "Dental check", 365, None, ["34043003"], False)],
    ),
    (
        "mental_health",
        "Mental health",
        "Children with a mental health condition: a review within 7 days of each crisis contact.",
        ["mental_health"],
        False,
        (0, 17),
        [
            ("crisis_contact", "Crisis contact", None, None, [], False),
            ("crisis_review", "Review after a crisis contact", 7, "crisis_contact", [], False),
        ],
    ),
]


def ship_defaults(apps, schema_editor):
    ValueSet = apps.get_model("population", "ValueSet")
    Programme = apps.get_model("population", "Programme")
    CareProcess = apps.get_model("population", "CareProcess")
    name, title, codes = MENTAL_HEALTH
    ValueSet.objects.update_or_create(
        name=name, defaults={"title": title, "kind": "register", "codes": codes}
    )
    for order, (key, title, description, sets, whole, ages, processes) in enumerate(PROGRAMMES):
        programme, _ = Programme.objects.update_or_create(
            key=key,
            defaults={
                "title": title,
                "description": description,
                "whole_population": whole,
                "min_age": ages[0],
                "max_age": ages[1],
                "order": order,
            },
        )
        programme.value_sets.set(ValueSet.objects.filter(name__in=sets))
        made = {}
        for p_order, (p_key, p_title, interval, after, p_codes, asthma_column) in enumerate(
            processes
        ):
            made[p_key], _ = CareProcess.objects.update_or_create(
                programme=programme,
                key=p_key,
                defaults={
                    "title": p_title,
                    "interval_days": interval,
                    "after": made.get(after),
                    "codes": p_codes,
                    "reads_asthma_plan_date": asthma_column,
                    "order": p_order,
                },
            )


def remove_defaults(apps, schema_editor):
    apps.get_model("population", "Programme").objects.filter(
        key__in=[p[0] for p in PROGRAMMES]
    ).delete()
    apps.get_model("population", "ValueSet").objects.filter(name=MENTAL_HEALTH[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("population", "0006_programmes")]

    operations = [migrations.RunPython(ship_defaults, remove_defaults)]
