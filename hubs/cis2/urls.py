from django.urls import path

from hubs.cis2 import views

# allauth includes every provider's urls under /accounts/.
urlpatterns = [
    path("cis2/login/", views.login, name="cis2_login"),
    path("cis2/login/callback/", views.callback, name="cis2_callback"),
    path("cis2/jwks.json", views.jwks, name="cis2_jwks"),
]
