from django.contrib import admin
from django.urls import include, path

from portal import health, views
from portal.api import views as api_views
from portal.api.site import api_build
from programs.api import router as programs_api
from startups.api import router as startups_api
from startups.views import account

# The REST API: the apps' routers, mounted here on top (portal/api imports no app).
api = api_build([("", startups_api), ("", programs_api)])

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("api/schema/", api_views.schema_view(api), name="api_schema"),
    path("api/docs/", api_views.docs, name="api_docs"),
    path("accounts/api-tokens/", api_views.tokens, name="api_tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", api_views.token_revoke, name="api_token_revoke"),
    path("accounts/data/", account.account_data, name="account_data"),
    path("accounts/data/export/", account.account_data_export, name="account_data_export"),
    path("accounts/data/delete/", account.account_data_delete, name="account_data_delete"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("programs.urls")),
    path("", include("startups.urls")),
]
