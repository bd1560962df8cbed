from django.urls import path

from families import views

app_name = "families"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("replies/", views.replies, name="replies"),
    path("replies/<int:pk>/done/", views.reply_done, name="reply_done"),
    path("tasks/<int:pk>/close/", views.task_close, name="task_close"),
    path("child/<int:child_id>/contacts/", views.carers, name="carers"),
    path("contacts/<int:pk>/", views.carer_edit, name="carer_edit"),
    path("m/<str:token>/", views.answer, name="answer"),
    path("done/", views.answered, name="answered"),
]
