from django.db.models import QuerySet

from hubs.models import Membership, Person


def memberships_for(person: Person) -> QuerySet[Membership]:
    return Membership.objects.active().filter(person=person).select_related("hub", "practice")
