from django.urls import include, path

from startups import views

startup_patterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("programs/<slug:slug>/apply/", views.apply, name="apply"),
]

urlpatterns = [path("", include((startup_patterns, "startups")))]
