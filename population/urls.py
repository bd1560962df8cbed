from django.urls import path

from population import views
from population.programmes import views as programmes

app_name = "population"
urlpatterns = [
    path("", views.index, name="index"),
    path("hub/<int:hub_id>/", views.hub_population, name="hub"),
    path("hub/<int:hub_id>/segment/<int:number>/", views.segment_children, name="segment"),
    path(
        "hub/<int:hub_id>/segment/<int:number>.csv",
        views.segment_children_csv,
        name="segment_csv",
    ),
    path("hub/<int:hub_id>/registers/", views.registers, name="registers"),
    path("hub/<int:hub_id>/registers/<int:value_set_id>/", views.register, name="register"),
    path(
        "hub/<int:hub_id>/registers/<int:value_set_id>.csv",
        views.register_csv,
        name="register_csv",
    ),
    path("hub/<int:hub_id>/asthma-worklist/", views.asthma_worklist, name="asthma_worklist"),
    path(
        "hub/<int:hub_id>/asthma-worklist.csv",
        views.asthma_worklist_csv,
        name="asthma_worklist_csv",
    ),
    path("hub/<int:hub_id>/programmes/", programmes.programmes, name="programmes"),
    path(
        "hub/<int:hub_id>/programmes/<slug:key>/",
        programmes.programme_worklist,
        name="programme_worklist",
    ),
    path(
        "hub/<int:hub_id>/programmes/<slug:key>/equity/",
        programmes.programme_equity,
        name="programme_equity",
    ),
    path("hub/<int:hub_id>/equity/", programmes.segment_equity, name="segment_equity"),
    path(
        "hub/<int:hub_id>/programmes/<slug:key>.csv",
        programmes.programme_worklist_csv,
        name="programme_worklist_csv",
    ),
    path("child/<int:pk>/", views.child_record, name="child"),
    path(
        "child/<int:pk>/care/<int:process_id>/done/",
        programmes.care_done,
        name="care_done",
    ),
    path(
        "child/<int:pk>/care/<int:process_id>/exclude/",
        programmes.care_exclude,
        name="care_exclude",
    ),
    path(
        "child/<int:pk>/asthma-plan-reviewed/",
        views.mark_plan_reviewed,
        name="mark_plan_reviewed",
    ),
]
