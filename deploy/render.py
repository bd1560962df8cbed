"""Fill a deploy/ template's @NAME@ values from the environment: ``render.py TEMPLATE``.
A value the template names and the environment lacks is an error, naming it."""

import os
import re
import sys
from pathlib import Path


def render(text, values):
    missing = sorted({name for name in re.findall(r"@([A-Z_]+)@", text) if name not in values})
    if missing:
        raise SystemExit(f"{sys.argv[1]}: set {', '.join(missing)}")
    return re.sub(r"@([A-Z_]+)@", lambda match: values[match.group(1)], text)


if __name__ == "__main__":
    sys.stdout.write(render(Path(sys.argv[1]).read_text(), os.environ))
