"""In a real browser the Content Security Policy does its job: the site's own script files run,
while script or style slipped into a page (say, through a name that escaped escaping) do not."""

import re

import pytest

pytestmark = pytest.mark.e2e

INJECT = """() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.appendChild(script);
    const box = document.createElement('div');
    box.innerHTML = '<p id="painted" style="color: rgb(255, 0, 0)">x</p>';
    document.body.appendChild(box);
    return {
        script: window.__injected === true,
        painted: getComputedStyle(document.getElementById('painted')).color,
        bootstrap: typeof window.bootstrap,
    };
}"""


def test_injected_inline_script_and_style_are_blocked_while_site_scripts_run(
    browser, django_db_serialized_rollback, live_server, transactional_db
):
    # Serialized rollback like every other journey (the page fixture), so the journeys after
    # this one find the tables as they expect.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    try:
        response = page.goto("/accounts/login/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        found = page.evaluate(INJECT)
        page.evaluate("0")
    finally:
        context.close()
    assert found["script"] is False
    assert found["painted"] != "rgb(255, 0, 0)"
    assert found["bootstrap"] == "object"
    assert any(re.search(r"inline (script|style)", text) for text in blocked)
