import pytest


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Attachments go to a fresh folder for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://hub.example"
