"""pip-audit over the project's virtualenv, with the accepted exceptions of
docs/security/pip-audit-ignore.txt (one vulnerability id a line, `# why` after it).

Fails on any known vulnerability not listed there. When the vulnerability data cannot be
reached (a machine whose package index has no vulnerability feed), it says plainly that the
dependencies were NOT audited, and fails only with AUDIT_STRICT=1.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE = ROOT / "docs" / "security" / "pip-audit-ignore.txt"


def accepted():
    ids = set()
    for line in IGNORE.read_text(encoding="utf-8").splitlines():
        vuln_id = line.split("#", 1)[0].strip()
        if vuln_id:
            ids.add(vuln_id)
    return ids


def main():
    run = subprocess.run(
        [sys.executable, "-m", "pip_audit", "-f", "json", "--progress-spinner", "off"]
        + ["--skip-editable"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(run.stderr or run.stdout, file=sys.stderr)
        print("pip-audit: could not run (see above).", file=sys.stderr)
        return 1
    ignored = accepted()
    found, skipped, audited = [], [], 0
    for dep in report["dependencies"]:
        if "skip_reason" in dep:
            skipped.append(dep["name"])
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            if not ids & ignored:
                fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
                found.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    for line in found:
        print(f"pip-audit: {line}")
    if found:
        print(
            f"pip-audit: {len(found)} known vulnerabilities: upgrade, or explain each in {IGNORE}"
        )
        return 1
    if skipped and not audited:
        print(
            f"pip-audit: NOT AUDITED: no vulnerability data reachable for any of {len(skipped)} "
            "packages from this machine (run `make lint` where PyPI's JSON API is reachable)."
        )
        return 1 if os.environ.get("AUDIT_STRICT") == "1" else 0
    note = f"; {len(skipped)} not found on PyPI: {', '.join(skipped)}" if skipped else ""
    print(f"pip-audit: {audited} packages, no known vulnerabilities{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
