from django.urls import include, path

from programs import views

program_patterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/<slug:slug>/", views.program_detail, name="detail"),
    path("programs/<slug:slug>/results/", views.program_results, name="results"),
    path("programs/<slug:slug>/results.csv", views.program_results_csv, name="results_csv"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include((program_patterns, "programs"))),
]
