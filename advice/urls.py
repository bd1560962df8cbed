from django.urls import path

from advice import views

app_name = "advice"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("ask/", views.ask, name="ask"),
    path("phone/", views.log_phone, name="log_phone"),
    path("mine/", views.mine, name="mine"),
    path("rota/", views.rota, name="rota"),
    path("email/<str:token>/", views.email_confirm, name="email_confirm"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/ask-info/", views.ask_info, name="ask_info"),
    path("<int:pk>/add-info/", views.add_info, name="add_info"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/outcome/", views.outcome, name="outcome"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
