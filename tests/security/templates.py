"""The project's own templates (not the installed packages'), read as text for static checks."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP_PARTS = {".venv", "var", "node_modules", "static", "tests", ".git"}


def project_templates():
    """Every .html file under a ``templates`` folder of the project, with its text."""
    found = []
    for path in sorted(ROOT.rglob("*.html")):
        rel = path.relative_to(ROOT)
        if SKIP_PARTS & set(rel.parts) or "templates" not in rel.parts:
            continue
        found.append((str(rel), path.read_text(encoding="utf-8")))
    assert len(found) > 40, "the template scan found too few templates: is BASE_DIR right?"
    return found


def pdf_only_templates():
    """Templates named in a module that draws PDFs with WeasyPrint: never sent to a browser,
    so the Content Security Policy does not apply to them (their inline <style> is fine)."""
    names = set()
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP_PARTS & set(rel.parts):
            continue
        text = path.read_text(encoding="utf-8")
        if "from weasyprint import" in text:
            names.update(re.findall(r"""["']([\w/.-]+\.html)["']""", text))
    return names
