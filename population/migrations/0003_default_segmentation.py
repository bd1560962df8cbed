"""The shipped default segments, value sets and rules of docs/population-framework.md."""

from django.db import migrations

SEGMENTS = [
    (1, "Healthy child", "No rule below matches."),
    (2, "Acutely mildly to moderately unwell", "A mild or moderate acute illness recently."),
    (3, "Single long-term condition", "Exactly one long-term value set matched."),
    (4, "Multiple long-term conditions", "Two or more distinct long-term value sets matched."),
    (5, "Vulnerable, social needs", "Child in need, young carer, or SEND / EHCP."),
    (6, "Safeguarding and looked after", "Child protection plan or looked after."),
    (7, "Complex health needs", "A complex condition, technology dependent or palliative care."),
    (8, "Acutely severely unwell", "A severe acute illness or admission recently."),
]

VALUE_SETS = [
    ("asthma", "Asthma", "long_term", ["195967001"]),
    ("eczema", "Eczema", "long_term", ["24079001", "43116000"]),
    ("constipation", "Constipation", "long_term", ["14760008"]),
    ("coeliac", "Coeliac disease", "long_term", ["396331005"]),
    ("type_2_diabetes", "Type 2 diabetes", "long_term", ["44054006"]),
    ("epilepsy", "Epilepsy", "long_term", ["84757009"]),
    ("sickle_cell", "Sickle cell disease", "long_term", ["417357006"]),
    ("adhd", "ADHD", "long_term", ["406506008"]),
    ("type_1_diabetes", "Type 1 diabetes", "complex", ["46635009"]),
    ("cystic_fibrosis", "Cystic fibrosis", "complex", ["190905008"]),
    ("cerebral_palsy", "Cerebral palsy", "complex", ["128188000"]),
    ("down_syndrome", "Down syndrome", "complex", ["41040004"]),
]

COMPLEX = ["type_1_diabetes", "cystic_fibrosis", "cerebral_palsy", "down_syndrome"]

# (segment, condition, value set name or flag or K)
RULES = [
    (2, "flag", "acute_illness_recent"),
    (3, "exactly_long_term", 1),
    (4, "at_least_long_term", 2),
    (5, "flag", "child_in_need"),
    (5, "flag", "young_carer"),
    (5, "flag", "send_ehcp"),
    (6, "flag", "child_protection_plan"),
    (6, "flag", "looked_after"),
    *[(7, "value_set", name) for name in COMPLEX],
    (7, "flag", "technology_dependent"),
    (7, "flag", "palliative_care"),
    (8, "flag", "acute_severe_recent"),
]


def ship_defaults(apps, schema_editor):
    Segment = apps.get_model("population", "Segment")
    ValueSet = apps.get_model("population", "ValueSet")
    SegmentRule = apps.get_model("population", "SegmentRule")
    segments = {}
    for number, name, description in SEGMENTS:
        segments[number], _ = Segment.objects.update_or_create(
            number=number, defaults={"name": name, "description": description}
        )
    value_sets = {}
    for name, title, kind, codes in VALUE_SETS:
        value_sets[name], _ = ValueSet.objects.update_or_create(
            name=name, defaults={"title": title, "kind": kind, "codes": codes}
        )
    for number, condition, what in RULES:
        fields = {"segment": segments[number], "condition": condition}
        if condition == "value_set":
            fields["value_set"] = value_sets[what]
        elif condition == "flag":
            fields["flag"] = what
        else:
            fields["count"] = what
        SegmentRule.objects.get_or_create(**fields)


class Migration(migrations.Migration):
    dependencies = [("population", "0002_segmentation")]

    operations = [migrations.RunPython(ship_defaults, migrations.RunPython.noop)]
