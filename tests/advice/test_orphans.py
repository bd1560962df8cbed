"""A save cut off between writing an attachment's file and committing its row (a crash, a
refusal later in the transaction) leaves a file nobody names: the daily sweep removes it."""

import os
import time

import pytest
from django.core.files.storage import default_storage

from advice import attachments, services
from advice.models import Attachment
from hubs.models import Role
from tests.advice.factories import PDF_BYTES
from tests.factories import HubFactory, PracticeFactory, member

pytestmark = pytest.mark.django_db


def files_on_disk():
    root = default_storage.path("advice")
    return sorted(
        os.path.relpath(os.path.join(folder, name), default_storage.path(""))
        for folder, _dirs, names in os.walk(root)
        for name in names
    )


def test_a_file_of_a_save_that_failed_is_removed_and_kept_files_stay(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    hub = HubFactory(code="ORPHAN")
    gp = member(Role.GP, hub, practice=PracticeFactory(hub=hub))
    kept = services.ask(
        hub=hub,
        question="A letter attached",
        request_type="other",
        urgency="routine",
        files=[("letter.pdf", PDF_BYTES)],
        by=gp,
    ).attachments.get()
    with pytest.raises(services.AdviceError):
        # The first file is written, the second refused: the transaction rolls back.
        services.ask(
            hub=hub,
            question="Two files, one bad",
            request_type="other",
            urgency="routine",
            files=[("scan.pdf", PDF_BYTES), ("run.exe", b"MZ\x90\x00program")],
            by=gp,
        )
    assert Attachment.objects.count() == 1
    [orphan] = [f for f in files_on_disk() if f != kept.file.name]
    assert attachments.remove_orphans() == 0  # too new: its save may still be going on
    an_hour_on = time.time() + attachments.ORPHAN_AFTER_SECONDS + 1
    assert attachments.remove_orphans(now=an_hour_on) == 1
    assert files_on_disk() == [kept.file.name]
    assert Attachment.objects.get().file.read() == PDF_BYTES
    assert orphan not in files_on_disk()
