"""The CSV import engine and what the formats build on: one place to import from.

``engine`` runs an import (read, check every row, write all or nothing, record the run);
``cells`` holds the cell parsers; ``bulk`` the set-based upserts; ``sql`` the checks of a
format that is checked in the database. Each app declares its formats in ``<app>/imports.py``.
"""

from cc4c.imports.bulk import copy_upsert, upsert_select
from cc4c.imports.cells import (
    int_between,
    nhs_number,
    non_negative_decimal,
    non_negative_int,
    ods_code,
    one_of,
    parse_date,
    parse_datetime,
    parse_month,
    parse_time,
    postcode,
    shape_of,
    shaped,
    text,
)
from cc4c.imports.engine import (
    KINDS,
    STORED_ERRORS,
    Column,
    Context,
    ImportFailed,
    ImportFormat,
    ImportResult,
    Row,
    get_format,
    register,
    registered_kinds,
    run_import,
    template_csv,
)
from cc4c.imports.sql import step

__all__ = [
    "KINDS",
    "STORED_ERRORS",
    "Column",
    "Context",
    "ImportFailed",
    "ImportFormat",
    "ImportResult",
    "Row",
    "copy_upsert",
    "get_format",
    "int_between",
    "nhs_number",
    "non_negative_decimal",
    "non_negative_int",
    "ods_code",
    "one_of",
    "parse_date",
    "parse_datetime",
    "parse_month",
    "parse_time",
    "postcode",
    "register",
    "registered_kinds",
    "run_import",
    "shape_of",
    "shaped",
    "step",
    "template_csv",
    "text",
    "upsert_select",
]
