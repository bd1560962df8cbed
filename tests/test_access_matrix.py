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


def views_by_name(resolver=None, namespace=""):
    """(namespaced URL name, view) for every named URL pattern of the project."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from views_by_name(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.callback


def url_names():
    return (name for name, _view in views_by_name())


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


VIEWS = dict(views_by_name())


def action_of(case):
    """(the action of the view's ``requires`` guard, the action the URL requires)."""
    guarded = getattr(VIEWS.get(case.name), "access_action", None)
    return guarded, case.action or guarded


def test_every_url_names_the_action_that_opens_it():
    problems = []
    for case in CASES.values():
        if getattr(case, "everyone", False):
            continue
        guarded, action = action_of(case)
        if action is None:
            problems.append(f"{case.name}: no requires(...) guard and no action= in its case")
        elif guarded and case.action and guarded != case.action:
            problems.append(f"{case.name}: the case says {case.action}, the view {guarded}")
    assert not problems, "\n".join(problems)


LEFT_OUT_CASES = [
    c for c in CASES.values() if not getattr(c, "everyone", False) and action_of(c)[1]
]


@pytest.mark.parametrize("case", LEFT_OUT_CASES, ids=lambda c: c.name)
def test_no_role_of_the_hub_that_the_action_leaves_out_reaches_the_url(case, world):
    """The hub's own people, in each role the URL's action does not allow, get 404 and no data."""
    _guarded, action = action_of(case)
    url = reverse(case.name, kwargs=case.build(world))
    data = case.data(world) if getattr(case, "data", None) else {}
    method = getattr(case, "method", "get")
    failures = []
    for label, person in world.left_out_by(action):
        cache.clear()
        client = Client()
        client.force_login(person)
        response = getattr(client, method)(url, data)
        if response.status_code != 404:
            failures.append(f"{label}: {response.status_code}, expected 404 ({action})")
        body = response.content.decode(errors="replace")
        leaked = [i for i in identifiers(world.child_b) if i in body]
        if leaked:
            failures.append(f"{label}: body shows {leaked}")
    assert not failures, f"{method.upper()} {url}\n" + "\n".join(failures)
