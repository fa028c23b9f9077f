"""The founder's dashboard: startups, applications, deadlines, next steps."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from startups import selectors
from startups.public_cache import programs_accepting_cached


@login_required
def dashboard(request):
    applications = list(selectors.application_list_for_user(user=request.user))
    applied_programs = {a.program_id for a in applications}
    # The open calls are the same for everyone: read from the public cache.
    open_programs = [p for p in programs_accepting_cached() if p.pk not in applied_programs][:5]
    return render(
        request,
        "startups/dashboard.html",
        {
            "startups": selectors.startup_list_for_user(user=request.user),
            "applications": applications,
            "open_programs": open_programs,
        },
    )
