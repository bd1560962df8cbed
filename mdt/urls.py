from django.urls import path

from mdt.views import alerts, cases, lists, meetings, put_forward

app_name = "mdt"
urlpatterns = [
    path("", lists.meetings, name="meetings"),
    path("my-cases/", lists.my_cases, name="my_cases"),
    path("my-actions/", lists.my_actions, name="my_actions"),
    path("hubs/<int:hub_pk>/", lists.hub_page, name="hub"),
    path("hubs/<int:hub_pk>/schedule/", meetings.schedule, name="schedule"),
    path("hubs/<int:hub_pk>/hospital-alert/", alerts.hospital_alert, name="hospital_alert"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path("meetings/<int:pk>/start/", meetings.meeting_start, name="meeting_start"),
    path("meetings/<int:pk>/finish/", meetings.meeting_finish, name="meeting_finish"),
    path("meetings/<int:pk>/change/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path(
        "meetings/<int:pk>/send-agenda/",
        meetings.meeting_send_agenda,
        name="meeting_send_agenda",
    ),
    path("meetings/<int:pk>/letters.pdf", meetings.meeting_letters, name="meeting_letters"),
    path("meetings/<int:pk>/attendance/", meetings.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/actions/", meetings.action_add, name="action_add"),
    path("actions/<int:pk>/done/", meetings.action_done, name="action_done"),
    path("cases/<int:pk>/", cases.case, name="case"),
    path("cases/<int:pk>/outcome/", cases.case_outcome, name="case_outcome"),
    path("cases/<int:pk>/move/", cases.case_move, name="case_move"),
    path("cases/<int:pk>/reorder/", cases.case_reorder, name="case_reorder"),
    path("cases/<int:pk>/remove/", cases.case_remove, name="case_remove"),
    path("cases/<int:pk>/letter/", cases.case_letter, name="case_letter"),
    path("cases/<int:pk>/letter.pdf", cases.case_letter_pdf, name="case_letter_pdf"),
    path("put-forward/", put_forward.put_forward, name="put_forward"),
    path("put-forward/<int:child_pk>/", put_forward.put_forward_child, name="put_forward_child"),
]
