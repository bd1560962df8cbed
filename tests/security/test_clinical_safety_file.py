"""The clinical safety file names real code and real tests: a renamed function or test fails
here, so the hazard log cannot quietly point at controls that no longer exist."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
FOLDER = ROOT / "docs" / "clinical-safety"
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
CODE_REF = re.compile(r"`((?!tests/)[\w/]+\.py):(\w+)(?:\.(\w+))?`")
HAZARDS_REQUIRED = [
    "answered late or lost",
    "wrong child is selected",
    "not brought is not followed up",
    "shown to the wrong hub",
    "report figure is wrong",
]


def names_in(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = set()
        elif isinstance(node, ast.ClassDef):
            found[node.name] = {
                item.name
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            }
    return found


def log_text():
    return (FOLDER / "hazard-log.md").read_text(encoding="utf-8")


def test_the_file_has_its_method_and_the_five_hazards_of_the_issue():
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for heading in ("## Scope", "## Method", "## Roles", "### Risk matrix"):
        assert heading in readme
    text = log_text()
    for hazard in HAZARDS_REQUIRED:
        assert hazard in text, hazard


def test_every_hazard_has_cause_effect_risks_controls_and_status():
    hazards = re.split(r"^## ", log_text(), flags=re.M)[1:]
    assert len(hazards) >= 5
    for hazard in hazards:
        title = hazard.splitlines()[0]
        for field in ("**Cause**", "**Effect**", "**Initial risk**", "**Controls**"):
            assert field in hazard, f"{title}: no {field}"
        assert re.search(r"\*\*Residual risk\*\*: S\d × L\d = \*\*\d\*\*", hazard), title
        assert re.search(r"\*\*Status\*\*: (open|controlled|closed)", hazard), title
        assert TEST_REF.search(hazard), f"{title}: no test named"
        assert CODE_REF.search(hazard), f"{title}: no code named"


def test_every_test_the_log_names_exists():
    missing = []
    for path, name in TEST_REF.findall(log_text()):
        file = ROOT / path
        if not file.exists() or name not in names_in(file):
            missing.append(f"{path}::{name}")
    assert missing == []


def test_every_function_the_log_names_exists():
    missing = []
    for path, name, member in CODE_REF.findall(log_text()):
        file = ROOT / path
        found = names_in(file) if file.exists() else {}
        if name not in found or (member and member not in found[name]):
            missing.append(f"{path}:{name}{'.' + member if member else ''}")
    assert missing == []
