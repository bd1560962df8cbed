"""What the MDT's forms post, as a browser sends them."""


def outcome_data(*, actions=(), add_action=False, **fields):
    """The case screen's one form: outcome fields, and action rows (description, owner pk, due
    date) with an empty row after them as the page shows it."""
    data = {"save": "1", **fields}
    rows = [*actions, ("", "", "")]
    data.update(
        {
            "actions-TOTAL_FORMS": str(len(rows)),
            "actions-INITIAL_FORMS": "0",
            "actions-MIN_NUM_FORMS": "0",
            "actions-MAX_NUM_FORMS": "1000",
        }
    )
    for i, (description, owner, due_on) in enumerate(rows):
        data[f"actions-{i}-description"] = description
        data[f"actions-{i}-owner"] = owner
        data[f"actions-{i}-due_on"] = due_on
    if add_action:
        del data["save"]
        data["add_action"] = "1"
    return data
