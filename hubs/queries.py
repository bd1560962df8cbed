from hubs.models import Membership


def memberships_for(person):
    return Membership.objects.active().filter(person=person).select_related("hub", "practice")
