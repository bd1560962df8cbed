from django.urls import path

from learning import views

app_name = "learning"
urlpatterns = [
    path("", views.library, name="library"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("points/<int:pk>/review/", views.review, name="review"),
    path("cpd/", views.cpd_record, name="cpd"),
    path("cpd/certificate.pdf", views.certificate, name="certificate"),
    path("cpd/teaching/new/", views.teaching_add, name="teaching_add"),
    path("cpd/teaching/<int:pk>/delete/", views.teaching_delete, name="teaching_delete"),
]
