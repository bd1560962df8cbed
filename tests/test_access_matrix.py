import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import PatientData, access_case_modules, child_identifiers, make_world

# URL namespaces tested elsewhere: allauth's own pages (no patient data) and the admin site
# (tests/hubs/test_admin_scoping.py walks every registered model admin).
OUTSIDE_MATRIX = ("account_", "mfa_", "admin:", "socialaccount_", "headless:")


def declared_cases():
    cases = {}
    for module in access_case_modules():
        for case in getattr(module, "URLS", []):
            assert case.name not in cases, f"{case.name} is declared twice"
            cases[case.name] = case
    return cases


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


CASES = declared_cases()
PATIENT_CASES = [c for c in CASES.values() if isinstance(c, PatientData)]


def test_every_url_is_declared_in_the_access_matrix():
    missing = sorted(
        name
        for name in set(url_names())
        if not name.startswith(OUTSIDE_MATRIX) and name not in CASES
    )
    assert not missing, (
        "These URLs are in no tests/<app>/access_cases.py: declare each as PatientData "
        f"(with a case) or NoPatientData (with a reason): {missing}"
    )


def test_no_case_names_a_url_that_does_not_exist():
    names = set(url_names())
    assert not [c.name for c in CASES.values() if c.name not in names]


@pytest.fixture
def world(db):
    return make_world()


def identifiers(child):
    return child_identifiers(child)


@pytest.mark.parametrize("case", PATIENT_CASES, ids=lambda c: c.name)
def test_no_one_outside_the_hub_reaches_its_patient_data(case, world):
    kwargs = case.build(world)
    url = reverse(case.name, kwargs=kwargs)
    data = case.data(world) if case.data else {}
    failures = []
    for label, person in world.intruders():
        cache.clear()
        client = Client()
        if person is not None:
            client.force_login(person)
        response = getattr(client, case.method)(url, data)
        body = response.content.decode(errors="replace")
        if person is None:
            if response.status_code != 302 or "/accounts/login/" not in response["Location"]:
                failures.append(f"{label}: {response.status_code}, expected the sign-in page")
            continue
        if case.scoped_list:
            if response.status_code >= 500:
                failures.append(f"{label}: {response.status_code}")
        elif response.status_code != 404:
            failures.append(f"{label}: {response.status_code}, expected 404")
        leaked = [i for i in identifiers(world.child_b) if i in body]
        if leaked:
            failures.append(f"{label}: body shows {leaked}")
    assert not failures, f"{case.method.upper()} {url}\n" + "\n".join(failures)
