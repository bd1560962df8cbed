from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.models import Authenticator


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # No self sign-up: hub coordinators invite people.
        return False

    def is_reauthentication_required(self, *, app, **kwargs):
        # Setting up the first second factor, straight after signing in with a password, is the
        # step the service demands; asking for the password again there only gets in the way.
        user = getattr(self.request, "user", None)
        if (
            app == "allauth.mfa"
            and user is not None
            and user.is_authenticated
            and not Authenticator.objects.filter(user=user).exists()
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)
