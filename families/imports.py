"""The ``carers`` CSV format: a child's parents, carers or the young person themself, with their
consent to messages, one row per contact.

A format of its own rather than columns of the children import: a child has any number of
contacts (the children extract has one row per child), contacts and consent change far more
often than registrations and are often collected by the hub rather than exported by the GP
system, and the children import's set-based SQL path stays as fast as it is.

Natural key (nhs_number, name): the child's current contact of that name.
"""

from django.db import transaction

from cc4c.imports import (
    Column,
    ImportFormat,
    nhs_number,
    one_of,
    parse_date,
    register,
    shaped,
    text,
)
from families.models import OWN_CONTACT_AGE, Carer, Channel, Relationship, normalise_mobile
from population.imports import children_by_nhs_number

FIELDS = [
    "relationship",
    "mobile",
    "email",
    "preferred_channel",
    "language_need",
    "consent_to_messages",
    "consent_given_on",
]


@shaped("a UK mobile number: 07700 900123 or +44 7700 900123")
def mobile(value):
    return normalise_mobile(value)


@shaped("an email address")
def email(value):
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except Exception:
        raise ValueError(f"'{value}' is not an email address") from None
    return value.lower()


@shaped("yes or no")
def yes_no(value):
    lowered = value.lower()
    if lowered in ("yes", "y", "true"):
        return True
    if lowered in ("no", "n", "false"):
        return False
    raise ValueError(f"'{value}' is not yes or no")


NOT_A_HUBS_CHILD = (
    "is a child of a comparison practice (outside every hub): such children have no contacts here"
)


@register
class CarersFormat(ImportFormat):
    kind = "carers"
    title = "Children's parents and carers, with their consent to messages"
    columns = [
        Column("nhs_number", parse=nhs_number),
        Column("name", parse=text(200)),
        Column("relationship", parse=one_of(Relationship.values)),
        Column("mobile", required=False, parse=mobile),
        Column("email", required=False, parse=email),
        Column("preferred_channel", parse=one_of(Channel.values)),
        Column("language_need", required=False, parse=text(200)),
        Column("consent_to_messages", parse=yes_no),
        Column("consent_given_on", required=False, parse=parse_date),
    ]
    natural_key = ("nhs_number", "name")
    hub_column = "nhs_number"

    def prepare(self, rows, ctx):
        ctx.children = children_by_nhs_number(rows)
        ids = [pk for pk, _hub in ctx.children.values()]
        ctx.carers = {
            (c.child_id, c.name.lower()): c
            for c in Carer.objects.current().filter(child_id__in=ids)
        }
        from population.models import Child

        ctx.births = dict(Child.objects.filter(pk__in=ids).values_list("pk", "date_of_birth"))

    def hub_ids(self, rows, ctx):
        return {ctx.children[r["nhs_number"]][1] for r in rows if r["nhs_number"] in ctx.children}

    def validate_row(self, row, ctx):
        problems = []
        child = ctx.children.get(row["nhs_number"])
        if child is None:
            return [("nhs_number", "no child has this NHS number: import children first")]
        if child[1] is None:
            # A comparison practice's children are the evaluation's comparison, no one's contacts.
            return [("nhs_number", NOT_A_HUBS_CHILD)]
        if row["preferred_channel"] == Channel.SMS and not row["mobile"]:
            problems.append(("mobile", "is needed for preferred_channel sms"))
        if row["preferred_channel"] == Channel.EMAIL and not row["email"]:
            problems.append(("email", "is needed for preferred_channel email"))
        if row["consent_to_messages"] and not row["consent_given_on"]:
            problems.append(("consent_given_on", "is needed when consent_to_messages is yes"))
        if row["consent_given_on"] and row["consent_given_on"] > ctx.today:
            problems.append(("consent_given_on", "is in the future"))
        if row["relationship"] == Relationship.SELF:
            born = ctx.births[child[0]]
            years = (
                ctx.today.year
                - born.year
                - ((ctx.today.month, ctx.today.day) < (born.month, born.day))
            )
            if years < OWN_CONTACT_AGE:
                problems.append(
                    (
                        "relationship",
                        f"self is only for a young person of {OWN_CONTACT_AGE} or over",
                    )
                )
        return problems

    def write(self, rows, ctx):
        created = updated = 0
        with transaction.atomic():
            for row in rows:
                child_id = ctx.children[row["nhs_number"]][0]
                values = {name: row[name] for name in FIELDS}
                values["mobile"] = values["mobile"] or ""
                values["email"] = values["email"] or ""
                values["language_need"] = values["language_need"] or ""
                if not values["consent_to_messages"]:
                    values["consent_given_on"] = None
                carer = ctx.carers.get((child_id, row["name"].lower()))
                if carer is None:
                    Carer.objects.create(child_id=child_id, name=row["name"], **values)
                    created += 1
                elif any(getattr(carer, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(carer, k, v)
                    carer.save()
                    updated += 1
        return {"created": created, "updated": updated}
