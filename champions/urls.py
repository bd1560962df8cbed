from django.urls import path

from champions import views

app_name = "champions"
urlpatterns = [
    path("", views.index, name="index"),
    path("hub/<int:hub_id>/", views.hub_page, name="hub"),
    path("practice/<int:practice_id>/", views.practice_page, name="practice"),
    path("me/", views.own_page, name="me"),
    path("me/activities/new/", views.add_own_activity, name="add_activity"),
    path("me/activities/<int:pk>/", views.change_own_activity, name="change_activity"),
    path("me/activities/<int:pk>/delete/", views.delete_own_activity, name="delete_activity"),
]
