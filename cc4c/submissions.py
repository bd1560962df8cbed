"""One record per form, however often it is sent: a double click, a browser's retry, a form
sent again from the back button.

Every form that creates something carries a one-use token (``SubmissionField``; the form's
page renders a fresh one). The service that creates the record calls ``claim(token, by=...)``
first thing in its transaction, and ``done(token, record)`` once the record exists. ``claim``
inserts the token's row with ``ON CONFLICT DO NOTHING`` on its primary key, so of two
transactions sending one token at the same moment the second waits on the first's uncommitted
row: when the first commits, the second finds the row and ``claim`` raises ``AlreadySubmitted``
carrying the record the first made, for the page to show; when the first is rolled back (a
refusal, an error) its claim goes with it, and the second goes ahead as if it were the first.

Services keep working without a token (imports, demo data, other services calling them): the
guarantee is for the forms that pass one.
"""

import datetime
import re
import secrets

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from cc4c.models import Submission

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
# Tokens are kept this long; a form sent again after that is a new form.
KEEP = datetime.timedelta(days=7)
TABLE = Submission._meta.db_table
CLAIM = f"""
INSERT INTO {TABLE} (token, person_id, claimed_at, object_id)
VALUES (%s, %s, now(), '')
ON CONFLICT (token) DO NOTHING
RETURNING token
"""  # noqa: S608 (the table name is our model's; every value is a parameter)
EXPIRED = (
    "This form was not sent whole, or was open for days: check what it says and send it again."
)


class AlreadySubmitted(Exception):  # noqa: N818 (it says what happened, not that it failed)
    """The form was sent before; ``record`` is what that first sending made (None when it is
    not the sender's to see)."""

    def __init__(self, record):
        super().__init__("This form has already been sent.")
        self.record = record


def new_token():
    return secrets.token_urlsafe(24)


def claim(token, *, by):
    """Claim ``token`` for ``by`` in the caller's transaction, or raise AlreadySubmitted."""
    if token is None:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("claim() belongs in the transaction that makes the record")
    if not TOKEN.fullmatch(str(token)):
        raise ValueError(EXPIRED)
    with connection.cursor() as cursor:
        cursor.execute(CLAIM, [token, getattr(by, "pk", None)])
        if cursor.fetchone() is not None:
            return
    raise AlreadySubmitted(_record_of(Submission.objects.get(token=token), by))


def _record_of(submission, by):
    if submission.person_id != getattr(by, "pk", None) or not submission.content_type_id:
        return None
    model = ContentType.objects.get_for_id(submission.content_type_id).model_class()
    return model._default_manager.filter(pk=submission.object_id).first()


def earlier(token, *, by):
    """``AlreadySubmitted`` for a token that a committed sending used, else None. A page
    checks this before it validates the form: what the first sending changed (a referral now
    booked) can make the second one look wrong, when it is only the same form again."""
    if not TOKEN.fullmatch(str(token or "")):
        return None
    found = Submission.objects.filter(token=token).first()
    return AlreadySubmitted(_record_of(found, by)) if found is not None else None


def done(token, record):
    """Say which record ``token`` made, in the transaction that made it."""
    if token is None:
        return
    Submission.objects.filter(token=token).update(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    )


@transaction.atomic
def forget_old(now=None):
    """Drop tokens older than KEEP (daily, by beat); how many went."""
    now = now or timezone.now()
    return Submission.objects.filter(claimed_at__lt=now - KEEP).delete()[0]


FIELD = "submission"


class SubmittedOnce:
    """Mixin for a form that creates something: it carries its one-use token, hidden, fresh
    on every new form, in ``cleaned_data["submission"]`` for the service's ``claim``. A form
    sent without one is refused with a message in the error summary."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=new_token
        )

    def clean(self):
        data = super().clean()
        if not TOKEN.fullmatch(data.get(FIELD) or ""):
            self.add_error(None, EXPIRED)
        return data
