from django.urls import path

from mdt import views

app_name = "mdt"
urlpatterns = [
    path("", views.meetings, name="meetings"),
    path("my-cases/", views.my_cases, name="my_cases"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("hubs/<int:hub_pk>/", views.hub_page, name="hub"),
    path("hubs/<int:hub_pk>/schedule/", views.schedule, name="schedule"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/start/", views.meeting_start, name="meeting_start"),
    path("meetings/<int:pk>/finish/", views.meeting_finish, name="meeting_finish"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/actions/", views.action_add, name="action_add"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/outcome/", views.case_outcome, name="case_outcome"),
    path("cases/<int:pk>/move/", views.case_move, name="case_move"),
    path("cases/<int:pk>/reorder/", views.case_reorder, name="case_reorder"),
    path("cases/<int:pk>/letter/", views.case_letter, name="case_letter"),
    path("put-forward/", views.put_forward, name="put_forward"),
    path("put-forward/<int:child_pk>/", views.put_forward_child, name="put_forward_child"),
]
