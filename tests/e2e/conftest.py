"""Browser tests: a real headless Chromium (Debian's package) driven by Playwright against
pytest-django's live server on loopback and the real PostgreSQL.

Helpers for the journeys: ``sign_in`` through the real form and authenticator step,
``axe_check`` (axe-core, vendored from its npm package) failing on any serious or critical
violation, and ``screenshot`` at desktop and phone widths into tests/e2e/screenshots/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made here (the
# test's own set-up through factories) are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).parent
AXE = HERE / "vendor" / "axe.min.js"
SCREENSHOTS = HERE / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Generous: the machine is small and shared; Playwright waits only as long as it must.
TIMEOUT_MS = 20_000
BLOCKING_IMPACTS = ("serious", "critical")

# Every page axe looked at in this session: (who, path, violations found).
PAGES_CHECKED = []
# Pages (by id) where axe-core is running just now.
AXE_RUNNING = set()


def pytest_terminal_summary(terminalreporter):
    if not PAGES_CHECKED:
        return
    terminalreporter.section("pages checked with axe-core (serious or critical violations)")
    for who, path, found in PAGES_CHECKED:
        terminalreporter.write_line(f"{found:3d}  {who:<14} {path}")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: run `bash scripts/services.sh setup --browser` "
            "(or `make test`, which does)."
        )
    from playwright.sync_api import sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(autouse=True)
def _e2e_settings(settings):
    # One 30-second window either side, so a code computed just before a window turns over
    # is still accepted when the form arrives.
    settings.MFA_TOTP_TOLERANCE = 1
    # Journeys need what a task does (a report built) at once: run tasks in the live server.
    from cc4c.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def page(browser, django_db_serialized_rollback, live_server, transactional_db):
    # Serialized rollback brings back what data migrations put in (segment rules, periodic
    # tasks) that a live-server test's table flush removes.
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Anything the Content Security Policy blocked (an inline script or style) fails the journey;
    # not axe-core's own probing while it checks the page (it sets inline styles).
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text and id(page) not in AXE_RUNNING
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def totp_code():
    return format_hotp_value(hotp_value(TEST_TOTP_SECRET, int(timezone.now().timestamp()) // 30))


def sign_in(page, person, *, password=TEST_PASSWORD):
    """Sign in through the real form, and the authenticator step when the person has one."""
    # Throttles and used authenticator codes live in the cache: each journey starts clean.
    cache.clear()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"/(accounts/2fa/authenticate/)?$"))
    if "/2fa/authenticate/" in page.url:
        page.get_by_label("Code").fill(totp_code())
        page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
        page.wait_for_url(re.compile(r"/$"))
    return page


def tab_to(page, locator, limit=40):
    """Press Tab until ``locator`` has the focus, as a keyboard user would, or fail."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(locator).to_be_focused()


# Every page's title names the page first, then the service: "Segment 3 – CC4C child health hubs".
PAGE_TITLE = re.compile(r"^\S.* – CC4C child health hubs$")


def axe_check(page, who="anyone"):
    """Run axe-core on the page as it is; fail on any serious or critical violation, or on a
    title not of the form "Page – CC4C child health hubs"."""
    title = page.title()
    assert PAGE_TITLE.match(title), f"{page.url}: the title {title!r} is not 'Page – CC4C ...'"
    # Evaluated by the browser's debugger, not added as an inline <script>, which the Content
    # Security Policy would (rightly) block.
    AXE_RUNNING.add(id(page))
    try:
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(
                        n => n.target.join(' ') + ' :: ' + n.failureSummary),
                }));
            }"""
        )
        page.evaluate("0")  # every console message of the run has arrived by now
    finally:
        AXE_RUNNING.discard(id(page))
    blocking = [v for v in result if v["impact"] in BLOCKING_IMPACTS]
    path = re.sub(r"^https?://[^/]+", "", page.url)
    PAGES_CHECKED.append((who, path, len(blocking)))
    assert not blocking, f"axe-core found on {path}:\n" + "\n".join(
        f"- {v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in blocking
    )
    return result


# The innermost elements reaching past the right edge of the screen, when the page scrolls
# sideways: what to fix.
WIDE_ELEMENTS = """() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const edge = root.clientWidth;
    const past = [...document.body.querySelectorAll('*')].filter(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > edge + 1 && !el.closest('.table-responsive');
    });
    const innermost = past.filter(el => !past.some(o => o !== el && el.contains(o)));
    if (!innermost.length) return ['the page, by ' + (root.scrollWidth - edge) + 'px'];
    return innermost.slice(0, 5).map(el =>
        el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string'
            ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
        ' (' + Math.round(el.getBoundingClientRect().right - edge) + 'px)');
}"""


def screenshot(page, name):
    """Save the page at desktop and phone widths; fail if the phone layout scrolls sideways."""
    SCREENSHOTS.mkdir(exist_ok=True)
    overflow = {}
    try:
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            overflow[width] = page.evaluate(WIDE_ELEMENTS)
    finally:
        page.set_viewport_size(DESKTOP)
    wide = {width: found for width, found in overflow.items() if found}
    assert not wide, f"{name}: the page scrolls sideways; elements past the edge: {wide}"
