from champions.models import Activity, Champion
from tests.access import PatientData
from tests.champions.factories import ActivityFactory, ChampionFactory, CheckFactory


def champion_b(w):
    """A champion of hub B with a check, made once per world."""
    if "champion_b" not in w.extra:
        w.extra["champion_b"] = ChampionFactory(practice=w.practice_b)
        CheckFactory(champion=w.extra["champion_b"])
    return w.extra["champion_b"]


def _someone_elses_activity(w):
    from tests.factories import PersonFactory

    return {"pk": ActivityFactory(champion=champion_b(w), recorded_by=PersonFactory()).pk}


# Champions' pages hold no child data, but volunteers' names and contributions are personal:
# hub and practice pages are scoped like patient data; a champion's own page shows only theirs.
URLS = [
    PatientData("champions:index", scoped_list=True),
    PatientData("champions:hub", action="champions.view", build=lambda w: {"hub_id": w.hub_b.pk}),
    PatientData(
        "champions:practice",
        action="champions.view",
        build=lambda w: {"practice_id": w.practice_b.pk},
    ),
    PatientData("champions:me", build=lambda w: champion_b(w) and {}, scoped_list=True),
    PatientData("champions:add_activity", scoped_list=True),
    # Only the champion who recorded an activity may change it: hub B's own champion too is
    # refused one that someone else recorded.
    PatientData("champions:change_activity", _someone_elses_activity, action="champions.self"),
    PatientData(
        "champions:delete_activity",
        _someone_elses_activity,
        method="post",
        action="champions.self",
    ),
]

# The admin models, each with a builder of one hub-B row (checks and training are inlines).
ADMIN = {
    Champion: champion_b,
    Activity: lambda w: ActivityFactory(champion=champion_b(w)),
}
