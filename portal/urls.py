from django.contrib import admin
from django.urls import include, path

from portal import health, views
from startups.views import account

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/data/", account.account_data, name="account_data"),
    path("accounts/data/export/", account.account_data_export, name="account_data_export"),
    path("accounts/data/delete/", account.account_data_delete, name="account_data_delete"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("programs.urls")),
    path("", include("startups.urls")),
]
