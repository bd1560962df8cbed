"""Finding what would identify a child in text meant for every hub: an NHS-number-like run of
ten digits, or the name or date of birth of a child discussed at the meeting."""

import re

# Ten digits, written whole or in the 3-3-4 groups NHS numbers are printed in, not part of a
# longer number. Any such run is refused, check digit or not: a mistyped number still points
# at a child.
NHS_NUMBER_LIKE = re.compile(r"(?<![0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![0-9])")
# Shorter fragments ("Jo") match too many ordinary words to be told apart from a name.
MIN_NAME_LENGTH = 2


def _name_parts(*names):
    parts = set()
    for name in names:
        for part in re.split(r"[\s]+", name or ""):
            part = part.strip(".,;:()'\"")
            if len(part) >= MIN_NAME_LENGTH:
                parts.add(part)
    return parts


def _date_forms(day):
    return {
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day:%d-%m-%Y}",
        f"{day:%d.%m.%Y}",
        f"{day:%Y-%m-%d}",
        f"{day.day} {day:%B %Y}".lower(),
        f"{day.day} {day:%b %Y}".lower(),
    }


def problems(text, children):
    """What in ``text`` identifies a child, as sentences to show the writer (empty when none).

    ``children`` are (given name, family name, date of birth) of the children whose names
    must not appear: the writer typed the words found, so repeating them reveals nothing new.
    """
    found = []
    if NHS_NUMBER_LIKE.search(text):
        found.append(
            "It contains a number that looks like an NHS number. Remove it: the library is read "
            "by every hub, so a learning point must not identify a child."
        )
    lowered = text.lower()
    names = set()
    dates = False
    for given, family, born in children:
        for part in _name_parts(given, family):
            if re.search(rf"(?<!\w){re.escape(part.lower())}(?!\w)", lowered):
                names.add(part)
        if born and any(form in lowered for form in _date_forms(born)):
            dates = True
    if names:
        listed = ", ".join(f'"{n}"' for n in sorted(names, key=str.lower))
        found.append(
            f"It contains {listed}: {'names' if len(names) > 1 else 'the name'} of a child "
            "discussed at this meeting. Remove it: "
            "the library is read by every hub, so a learning point must not identify a child."
        )
    if dates:
        found.append(
            "It contains the date of birth of a child discussed at this meeting. Remove it: the "
            "library is read by every hub, so a learning point must not identify a child."
        )
    return found
