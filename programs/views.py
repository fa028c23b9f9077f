from datetime import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from programs import selectors
from programs.exports import FORMATS, csv_lines
from programs.milestones import completed_applications
from programs.public_pages import (
    MAX_AGE,
    Rendered,
    next_change_of_public_programs,
    public_page_cached,
    seconds_until,
)
from programs.public_results import (
    program_has_results,
    program_results_get,
    reported_figures,
    results_chart_data,
    results_figures,
    results_tables,
    selected_projects,
)
from startups.models import Program


def home(request: HttpRequest) -> HttpResponse:
    programs = selectors.program_list_accepting()[:6]
    return render(request, "home.html", {"programs": programs})


def program_list(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("page", "1")
    shown: dict[str, object] = {}

    def render_content(now: datetime) -> tuple[Rendered, int]:
        page = Paginator(selectors.program_list_public(now=now), 20).get_page(number)
        shown["page"] = page
        # Rendered without the request: nothing of the visitor's can be kept.
        content = render_to_string("programs/_program_list.html", {"page": page})
        return {"content": content}, next_change_of_public_programs(now=now)

    if number.isdigit() and len(number) <= 4:
        parts = public_page_cached(f"list:{int(number)}", render_content)
    else:  # only plain page numbers are kept: any other query must not fill the cache
        parts, _seconds = render_content(timezone.now())
    return render(request, "programs/program_list.html", {**shown, **parts})


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    shown: dict[str, object] = {}

    def render_content(now: datetime) -> tuple[Rendered, int]:
        try:
            program = selectors.program_get_public(slug=slug)
        except Program.DoesNotExist as exc:
            raise Http404 from exc
        shown["program"] = program
        content = render_to_string(
            "programs/_program_detail.html",
            {
                "program": program,
                "has_results": program_has_results(program),
                "completed": list(completed_applications(program)),
            },
        )
        return (
            {"title": program.name, "content": content},
            seconds_until([program.opens_at, program.closes_at], now=now),
        )

    parts = public_page_cached(f"detail:{slug}", render_content)
    return render(request, "programs/program_detail.html", {**shown, **parts})


def _results_parts(slug: str, now: datetime) -> tuple[Rendered, int]:
    """The results page's content and its CSV, rendered without the request."""
    try:
        program = program_results_get(slug=slug)
    except Program.DoesNotExist as exc:
        raise Http404 from exc
    figures = results_figures(program)
    projects = selected_projects(program)
    reported = reported_figures(program)
    context = {
        "program": program,
        "figures": figures,
        "projects": projects,
        "named": sum(1 for p in projects if p.named),
        "reported": reported,
        "chart_data": results_chart_data(figures),
    }
    content = render_to_string("programs/results_content.html", context)
    csv_text = "".join(csv_lines(results_tables(program, figures, projects, reported)))
    return {"title": program.name, "content": content, "csv": csv_text}, MAX_AGE


def program_results(request: HttpRequest, slug: str) -> HttpResponse:
    parts = public_page_cached(f"results:{slug}", lambda now: _results_parts(slug, now))
    return render(request, "programs/results.html", parts)


def program_results_csv(request: HttpRequest, slug: str) -> HttpResponse:
    parts = public_page_cached(f"results:{slug}", lambda now: _results_parts(slug, now))
    response = HttpResponse(parts["csv"], content_type=FORMATS["csv"])
    response["Content-Disposition"] = f'attachment; filename="results-{slug}.csv"'
    return response
