"""How a learning point typed on a case reaches the learning library, which sits above mdt.

The learning app registers its two functions when it loads (``learning/apps.py``):

    from mdt import lessons
    lessons.register(problem=..., draft=...)

``problem(meeting, text)`` returns why ``text`` may not go to the library (it identifies a
child discussed at the meeting), or "" when it may. ``draft(case=, text=, by=)`` writes the
case's draft learning point, waiting for the chair to publish it, in the caller's transaction,
and returns it. Without a library installed a learning point stays on the case only.
"""

_registered = {}


def register(*, problem, draft):
    _registered["problem"] = problem
    _registered["draft"] = draft


def problem(meeting, text):
    check = _registered.get("problem")
    return check(meeting, text) if check else ""


def draft(*, case, text, by):
    write = _registered.get("draft")
    return write(case=case, text=text, by=by) if write else None
