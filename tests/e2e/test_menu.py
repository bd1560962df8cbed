"""The main menu keeps to one line on a 1366 px screen (the common NHS laptop) for every role,
and for someone with many roles in several hubs, the longest menu there is."""

import pytest

from hubs.models import Role
from tests.e2e.conftest import SCREENSHOTS, axe_check, sign_in
from tests.factories import HubFactory, MembershipFactory, PracticeFactory, member

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}

# Where each entry of the main menu sits, and whether the menu folded behind its button.
MENU_BOXES = """() => {
    const nav = document.querySelector('nav[aria-label="Main"]');
    const toggler = nav.querySelector('.navbar-toggler');
    const boxes = [nav.querySelector('.navbar-brand'), ...nav.querySelectorAll('.nav-item')]
        .map(el => { const r = el.getBoundingClientRect();
                     return {text: el.innerText.trim(), top: r.top, bottom: r.bottom, w: r.width,
                             right: r.right}; });
    return {folded: getComputedStyle(toggler).display !== 'none', boxes: boxes,
            width: document.documentElement.clientWidth};
}"""

LONG_NAME = {"first_name": "Oluwaseun", "last_name": "Fitzgerald-Okonkwo"}


def one_of_each(role):
    hub = HubFactory(code="E2E-NORTH", name="North Hub")
    practice = PracticeFactory(hub=hub)
    kwargs = {"practice": practice} if role in (Role.GP, Role.CHAMPION) else {}
    return member(role, hub, is_staff=role == Role.COORDINATOR, **kwargs, **LONG_NAME)


def everything():
    """A GP who chairs, coordinates and commissions across three hubs, with the admin site."""
    hubs = [HubFactory(code=f"E2E-HUB{n}", name=f"Hub {n}") for n in (1, 2, 3)]
    person = member(
        Role.GP, hubs[0], practice=PracticeFactory(hub=hubs[0]), is_staff=True, **LONG_NAME
    )
    for hub, role in (
        (hubs[0], Role.COORDINATOR),
        (hubs[1], Role.PAEDIATRICIAN),
        (hubs[1], Role.MDT_MEMBER),
        (hubs[2], Role.COMMISSIONER),
    ):
        MembershipFactory(person=person, hub=hub, role=role)
    return person


PEOPLE = {role.label: (lambda role=role: one_of_each(role)) for role in Role}
PEOPLE["many roles in three hubs"] = everything


@pytest.mark.parametrize("who", list(PEOPLE))
def test_the_menu_fits_one_line_at_1366_px(page, who):
    person = PEOPLE[who]()
    sign_in(page, person)
    page.set_viewport_size(LAPTOP)
    menu = page.evaluate(MENU_BOXES)
    assert not menu["folded"], f"{who}: at 1366 px the menu is folded behind its button"
    boxes = menu["boxes"]
    assert len(boxes) >= 4, boxes  # the brand, at least one part, the person, sign out
    # One line: every box spans the height of the first entry's line.
    line = boxes[1]
    wrapped = [b["text"] for b in boxes if b["top"] >= line["bottom"] or b["bottom"] <= line["top"]]
    assert not wrapped, f"{who}: these menu entries are not on the first line: {wrapped}"
    tall = [b["text"] for b in boxes[1:] if b["bottom"] - b["top"] > line["bottom"] - line["top"]]
    assert not tall, f"{who}: these menu entries take two lines: {tall}"
    assert max(b["right"] for b in boxes) <= menu["width"], f"{who}: the menu runs off the screen"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"menu-1366-{who.replace(' ', '-').lower()}.png"))
    axe_check(page, who)
