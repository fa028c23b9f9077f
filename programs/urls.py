from django.urls import include, path

from programs import founder_reports, views

program_patterns = [
    path("programs/", views.program_list, name="list"),
    path("programs/<slug:slug>/", views.program_detail, name="detail"),
    path("programs/<slug:slug>/results/", views.program_results, name="results"),
    path("programs/<slug:slug>/results.csv", views.program_results_csv, name="results_csv"),
    # The team's milestone reports (founders' pages; 404 outside the team).
    path("reports/<int:pk>/", founder_reports.report_detail, name="report_detail"),
    path(
        "reports/<int:pk>/attachments/<int:attachment_pk>/",
        founder_reports.report_attachment,
        name="report_attachment",
    ),
    path(
        "reports/<int:pk>/attachments/<int:attachment_pk>/remove/",
        founder_reports.report_attachment_remove,
        name="report_attachment_remove",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include((program_patterns, "programs"))),
]
