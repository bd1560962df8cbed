from tests.access import NoPatientData

REASON = (
    "aggregate figures only; another hub's report answers 404 and commissioners always get "
    "suppressed figures (tests/evaluation/test_report_access.py)"
)

URLS = [
    NoPatientData("evaluation:list", REASON),
    NoPatientData("evaluation:detail", REASON),
    NoPatientData("evaluation:download", REASON),
]
