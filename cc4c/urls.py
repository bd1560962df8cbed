from django.contrib import admin
from django.urls import include, path

from cc4c import views

admin.site.site_header = "CC4C hub administration"
admin.site.site_title = "Hub administration"
admin.site.index_title = "Your hubs"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("notify/receipts", views.notify_receipt, name="notify_receipt"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("population/", include("population.urls")),
    path("mdt/", include("mdt.urls")),
    path("clinics/", include("clinics.urls")),
    path("advice/", include("advice.urls")),
    path("champions/", include("champions.urls")),
    path("learning/", include("learning.urls")),
    path("feedback/", include("feedback.urls")),
    path("families/", include("families.urls")),
    path("reports/", include("evaluation.urls")),
    path("letters/", include("letters.urls")),
    path("", include("hubs.urls")),
]
