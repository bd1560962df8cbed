from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hubs.demo import totp_secret_of
from hubs.models import Person


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account (development only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            person = Person.objects.get(email__iexact=email)
            secret = totp_secret_of(person)
        except Exception as exc:
            raise CommandError(f"No authenticator for {email}: {exc}") from exc
        counter = int(timezone.now().timestamp()) // 30
        self.stdout.write(format_hotp_value(hotp_value(secret, counter)))
