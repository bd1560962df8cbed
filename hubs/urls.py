from django.urls import path

from hubs import views

urlpatterns = [
    path("", views.home, name="home"),
]
