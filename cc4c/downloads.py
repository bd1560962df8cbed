"""The one rule for a download of a child's data (a letter, an attachment): no shared or
browser cache keeps a copy."""

PRIVATE = "private, no-store"


def private(response):
    """``response``, marked so that no cache stores it."""
    response["Cache-Control"] = PRIVATE
    return response
