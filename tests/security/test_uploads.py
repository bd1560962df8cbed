"""Files sent with advice requests live outside every public path and come back only through
the request's scoped, audited view."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.views import static

from advice.models import AdviceRequest
from hubs.models import AuditEvent, Role
from tests.advice.factories import PDF_BYTES
from tests.factories import member, one_use_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ask_with_file(client, hub, name):
    return client.post(
        reverse("advice:ask"),
        {
            "hub": hub.pk,
            "request_type": "other",
            "urgency": "routine",
            "question": "Question with a letter attached",
            "attachments": [SimpleUploadedFile(name, PDF_BYTES, "application/pdf")],
            **one_use_token(),
        },
    )


def url_patterns(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if hasattr(entry, "url_patterns"):
            yield from url_patterns(entry)
        else:
            yield entry


def test_no_url_serves_the_uploads_folder():
    assert not [p for p in url_patterns() if getattr(p, "callback", None) is static.serve]
    media = Path(settings.MEDIA_ROOT).resolve()
    public = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    for folder in public:
        folder = folder.resolve()
        assert not media.is_relative_to(folder) and not folder.is_relative_to(media)


def test_a_path_in_the_senders_file_name_never_reaches_the_disk(client_for, gp, hub):
    response = ask_with_file(client_for(gp), hub, "../../../../etc/cron.d/evil.pdf")
    assert response.status_code == 302
    attachment = AdviceRequest.objects.get().attachments.get()
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "evil" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.original_name == "evil.pdf"


def test_the_stored_file_is_not_reachable_at_any_plain_address(client_for, gp, hub, coordinator):
    ask_with_file(client_for(gp), hub, "letter.pdf")
    name = AdviceRequest.objects.get().attachments.get().file.name
    client = client_for(coordinator)
    for guess in (
        f"/media/{name}",
        f"/{name}",
        f"/static/{name}",
        f"/static/../var/media/{name}",
        f"/var/media/{name}",
    ):
        assert client.get(guess).status_code == 404, guess


def test_the_hub_gets_the_file_from_the_scoped_view_as_a_download_and_it_is_audited(
    client_for, gp, hub, paediatrician
):
    ask_with_file(client_for(gp), hub, "letter.pdf")
    attachment = AdviceRequest.objects.get().attachments.get()
    url = reverse("advice:attachment", args=[attachment.request_id, attachment.pk])
    response = client_for(paediatrician).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="advice.attachment", person=paediatrician).count() == 1


def test_staff_of_another_hub_get_404_for_the_file(client_for, gp, hub, other_hub):
    ask_with_file(client_for(gp), hub, "letter.pdf")
    attachment = AdviceRequest.objects.get().attachments.get()
    url = reverse("advice:attachment", args=[attachment.request_id, attachment.pk])
    for role in (Role.PAEDIATRICIAN, Role.COORDINATOR, Role.GP):
        outsider = member(role, other_hub)
        assert client_for(outsider).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="advice.attachment").exists()


def test_signed_out_visitors_are_sent_to_sign_in_for_the_file(client, client_for, gp, hub):
    ask_with_file(client_for(gp), hub, "letter.pdf")
    attachment = AdviceRequest.objects.get().attachments.get()
    client.logout()
    response = client.get(reverse("advice:attachment", args=[attachment.request_id, attachment.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
