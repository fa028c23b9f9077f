from django.contrib import admin
from django.urls import include, path

from portal import health, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("programs.urls")),
    path("", include("startups.urls")),
]
