from tests.access import NoPatientData

URLS = [
    NoPatientData("home", "the person's own hubs and roles"),
    NoPatientData("healthz", "service health only"),
]
