from django.urls import path

from clinics import views

app_name = "clinics"
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/print/", views.session_print, name="session_print"),
    path("sessions/<int:pk>/slots/<int:slot_pk>/book/", views.slot_book, name="slot_book"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment_detail"),
    path(
        "appointments/<int:pk>/attendance/",
        views.appointment_attendance,
        name="appointment_attendance",
    ),
    path("appointments/<int:pk>/letter/", views.appointment_letter, name="appointment_letter"),
    path("appointments/<int:pk>/outcome/", views.appointment_outcome, name="appointment_outcome"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("appointments/<int:pk>/move/", views.appointment_move, name="appointment_move"),
    path(
        "appointments/<int:pk>/follow-up/",
        views.appointment_follow_up,
        name="appointment_follow_up",
    ),
    path("waiting-list/", views.waiting_list, name="waiting_list"),
    path("waiting-list.csv", views.waiting_list_csv, name="waiting_list_csv"),
    path("waiting-list/<int:pk>/book/", views.referral_book, name="referral_book"),
    path("waiting-list/<int:pk>/off-list/", views.referral_off_list, name="referral_off_list"),
    path("refer/<int:child_id>/", views.refer, name="refer"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up_detail"),
]
