from tests.access import NoPatientData

URLS = [NoPatientData("ping", "a constant answer for benchmarks")]
