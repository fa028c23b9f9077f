from django.urls import include, path

from startups.views import applications, dashboard, team

startup_patterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("startups/new/", team.startup_create, name="startup_create"),
    path("startups/<int:pk>/", team.startup_detail, name="startup_detail"),
    path("startups/<int:pk>/edit/", team.startup_edit, name="startup_edit"),
    path("startups/<int:pk>/invite/", team.invitation_create, name="invitation_create"),
    path(
        "startups/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        team.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "startups/<int:pk>/members/<int:membership_pk>/remove/",
        team.member_remove,
        name="member_remove",
    ),
    path("invitations/<str:token>/", team.invitation_accept, name="invitation_accept"),
    path("programs/<slug:slug>/apply/", applications.apply, name="apply"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/submit/",
        applications.application_submit,
        name="application_submit",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "applications/<int:pk>/publication/",
        applications.application_publication,
        name="application_publication",
    ),
    path("applications/<int:pk>/pitch-deck/", applications.pitch_deck, name="pitch_deck"),
]

urlpatterns = [path("", include((startup_patterns, "startups")))]
