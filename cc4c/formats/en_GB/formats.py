"""The one date style of the service (pages, the admin, charts, exports): "8 Dec 2026",
"Dec 2026", 24-hour times. Settings point FORMAT_MODULE_PATH here, so Django's own rendering
(``{{ date }}``, ``|date``, the admin's lists) uses these; cc4c.formatting does the same in Python.
"""

from django.conf.locale.en_GB import formats as django_en_gb
from django.conf.locale.en_GB.formats import (  # noqa: F401  (kept as Django has them)
    DECIMAL_SEPARATOR,
    FIRST_DAY_OF_WEEK,
    NUMBER_GROUPING,
    THOUSAND_SEPARATOR,
)

DATE_FORMAT = "j M Y"  # 8 Dec 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j M Y H:i"  # 8 Dec 2026 14:05
YEAR_MONTH_FORMAT = "M Y"  # Dec 2026
MONTH_DAY_FORMAT = "j M"  # 8 Dec
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
# With the weekday, where the day of the week matters (a clinic session, a meeting).
WEEKDAY_DATE_FORMAT = "D j M Y"  # Tue 8 Dec 2026
WEEKDAY_DATETIME_FORMAT = "D j M Y H:i"  # Tue 8 Dec 2026 14:05

# What a form's date and time fields are filled with comes first: the browser's date and
# datetime-local inputs take only ISO values, and leave the field empty for "03/11/2026" (so a
# form shown again, or opened to change a record, would lose its dates). Typed dates are read in
# the British order as well.
DATE_INPUT_FORMATS = ["%Y-%m-%d", *django_en_gb.DATE_INPUT_FORMATS]
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", *django_en_gb.DATETIME_INPUT_FORMATS]
