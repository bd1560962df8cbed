import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every world makes a dozen people; a slow hasher makes each admin test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
