"""bandit finds nothing in the deployed code (make lint runs it too, with pip-audit)."""

import subprocess
import sys

from django.conf import settings


def test_bandit_finds_no_issue_in_the_deployed_code():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", ".", "-q"],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
