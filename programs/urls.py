from django.urls import include, path

from programs import views

program_patterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/<slug:slug>/", views.program_detail, name="detail"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include((program_patterns, "programs"))),
]
