from tests.access import PatientData


def _letter_b(w):
    """A hub-B letter to its practice that MESH refused: on the list of letters not sent."""
    if "letter_b" not in w.extra:
        from django.utils import timezone

        from letters.models import Kind, Letter, Status

        w.extra["letter_b"] = Letter.objects.create(
            hub=w.hub_b,
            practice=w.practice_b,
            child=w.child_b,
            kind=Kind.ADVICE,
            source_type="advice.reply",
            source_id=1,
            title="Advice from the hub",
            html=f"<p>{w.child_b.given_name} {w.child_b.family_name} {w.child_b.nhs_number}</p>",
            status=Status.FAILED,
            failed_at=timezone.now(),
            last_error="MESH refused the message: Unregistered to address",
        )
    return w.extra["letter_b"]


URLS = [
    PatientData("letters:letter_pdf", build=lambda w: {"pk": _letter_b(w).pk}),
    PatientData("letters:not_sent", build=lambda w: _letter_b(w) and {}, scoped_list=True),
    PatientData("letters:not_sent_csv", build=lambda w: _letter_b(w) and {}, scoped_list=True),
    PatientData("letters:send_again", build=lambda w: {"pk": _letter_b(w).pk}, method="post"),
]
