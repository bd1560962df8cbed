"""The one design of every letter to a child's GP practice (``letters/letter.html``): the hub's
letterhead, the practice it is addressed to, the child's identifiers as GP systems match them
(NHS number, name, date of birth), the body, and who wrote it in what role.

Each kind of letter gives a ``Page`` (its title, its body template and that template's context);
``html(pages)`` is the letters as one HTML document, ``pdf(html)`` the same as PDF bytes. The
download of a letter, the letters of a finished meeting and the letter sent to the practice all
come from these two functions.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

from hubs.access import roles_by_hub
from hubs.models import Role

TEMPLATE = "letters/letter.html"
# The role a letter names when the author's profession is not recorded.
ROLE_ORDER = (Role.PAEDIATRICIAN, Role.GP, Role.COORDINATOR, Role.MDT_MEMBER)


def author_role(person, hub):
    """The author's role as the letter names it: their profession, else their role in the hub."""
    if person is None:
        return ""
    if person.profession:
        return person.profession
    roles = roles_by_hub(person).get(hub.pk, set())
    for role in ROLE_ORDER:
        if role in roles:
            return Role(role).label
    return ""


@dataclass
class Page:
    """One letter: what it is about, its body, and who signed it."""

    title: str
    body_template: str
    context: dict
    hub: object
    child: object
    author: object = None
    dated: object = None
    reference: str = ""
    version: int = 1
    practice: object = None
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        self.practice = self.practice or self.child.practice
        self.dated = self.dated or timezone.localdate()

    @property
    def author_name(self):
        return self.author.display_name if self.author is not None else ""

    @property
    def author_role(self):
        return author_role(self.author, self.hub)

    @property
    def registration_number(self):
        return getattr(self.author, "registration_number", "") if self.author else ""

    def parties(self):
        """The people and places the letter names, kept with a letter that is sent."""
        child, practice = self.child, self.practice
        return {
            "patient": {
                "nhs_number": child.nhs_number,
                "given_name": child.given_name,
                "family_name": child.family_name,
                "date_of_birth": child.date_of_birth.isoformat(),
                "sex": child.sex,
            },
            "practice": {"ods_code": practice.ods_code, "name": practice.name},
            "hub": {"code": self.hub.code, "name": self.hub.name},
            "author": {
                "name": self.author_name,
                "role": self.author_role,
                "registration_number": self.registration_number,
                "email": getattr(self.author, "email", "") if self.author else "",
            },
            "dated": self.dated.isoformat(),
        }


def html(pages, *, title=None):
    """The letters, each on its own pages, as one standalone HTML document."""
    pages = list(pages)
    return render_to_string(
        TEMPLATE,
        {
            "pages": pages,
            "document_title": title or (pages[0].title if len(pages) == 1 else "Letters"),
        },
    )


def pdf(document_html):
    """The PDF of a letter document made by ``html``."""
    from weasyprint import HTML

    return HTML(string=document_html).write_pdf()
