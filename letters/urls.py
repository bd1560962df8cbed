from django.urls import path

from letters import views

app_name = "letters"
urlpatterns = [
    path("not-sent/", views.not_sent, name="not_sent"),
    path("not-sent.csv", views.not_sent_csv, name="not_sent_csv"),
    path("<int:pk>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("<int:pk>/send-again/", views.send_again, name="send_again"),
]
