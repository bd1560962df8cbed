"""What moves a person's access stamp (hubs.models.access_changed): any write to their
memberships, to a hub they work in, or to their authenticators. A session keeps the roles and
the second factor it read with the stamp (hubs.signin), so each of these takes effect on the
person's next request."""

from allauth.mfa.models import Authenticator
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hubs.models import Hub, Membership, access_changed


@receiver(post_save, sender=Membership, dispatch_uid="hubs.membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="hubs.membership_deleted")
def _membership_changed(sender, instance, **kwargs):
    access_changed([instance.person_id])


@receiver(post_save, sender=Hub, dispatch_uid="hubs.hub_saved")
def _hub_changed(sender, instance, created, **kwargs):
    # A hub's code is in its members' page header and its sign-in rule withholds their roles.
    if not created:
        access_changed(Membership.objects.filter(hub=instance).values_list("person_id", flat=True))


@receiver(post_save, sender=Authenticator, dispatch_uid="hubs.authenticator_saved")
@receiver(post_delete, sender=Authenticator, dispatch_uid="hubs.authenticator_deleted")
def _authenticator_changed(sender, instance, **kwargs):
    access_changed([instance.user_id])
