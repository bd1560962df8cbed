from tests.access import NoPatientData

URLS = [
    NoPatientData("ping", "a constant answer for benchmarks", everyone=True),
    NoPatientData(
        "notify_receipt",
        "GOV.UK Notify's delivery receipts, behind its bearer token: answers only whether a "
        "receipt was recorded (tests/families/test_messages.py)",
        everyone=True,
    ),
]


def _import_run_of_hub_b(world):
    from cc4c.models import ImportRun

    run = ImportRun.objects.create(kind="practices", file_name="hub-b.csv", succeeded=True)
    run.hubs.add(world.hub_b)
    return run


ADMIN = {"cc4c.ImportRun": _import_run_of_hub_b}
