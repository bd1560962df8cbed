from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("f/<str:token>/", views.family, name="family"),
    path("thank-you/", views.family_thanks, name="family_thanks"),
    path("comments/", views.comments, name="comments"),
    path("comments/<int:pk>/", views.comment_moderate, name="comment_moderate"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/rate/", views.meeting_rate, name="meeting_rate"),
]
