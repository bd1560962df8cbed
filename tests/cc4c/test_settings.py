import os
import subprocess
import sys

from django.conf import settings

PROBE = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='cc4c.settings'; django.setup()"


def start_settings(probe=PROBE, **env):
    """Run ``probe`` (Python) in a fresh process whose settings come from ``env`` alone."""
    unset = ("DEBUG", "SECRET_KEY", "SITE_URL", "HOST", "PORT", "ALLOWED_HOSTS")
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", probe],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def test_production_refuses_to_start_with_the_development_secret():
    result = start_settings(DEBUG="0", SITE_URL="https://hubs.example.nhs.uk")
    assert result.returncode != 0
    assert "SECRET_KEY is the development default" in result.stderr


def test_production_starts_with_a_real_secret():
    result = start_settings(
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-0123456789abcdef",
        SITE_URL="https://hubs.example.nhs.uk",
    )
    assert result.returncode == 0, result.stderr


def test_a_bad_boolean_in_the_environment_fails_loudly():
    result = start_settings(DEBUG="perhaps")
    assert result.returncode != 0


def test_check_deploy_is_clean_with_production_settings():
    # The browser tests allow async-unsafe calls in this process; a deployment never does.
    unset = ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DEBUG="0",
        SECRET_KEY="prod-" + "x9Qz" * 16,
        ALLOWED_HOSTS="hubs.example.nhs.uk",
        SITE_URL="https://hubs.example.nhs.uk",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_time_zone_is_london_and_aware():
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.USE_TZ is True
