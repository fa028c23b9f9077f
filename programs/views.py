from datetime import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from programs import selectors
from programs.public_pages import (
    Rendered,
    next_change_of_public_programs,
    public_page_cached,
    seconds_until,
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
        content = render_to_string("programs/_program_detail.html", {"program": program})
        return (
            {"title": program.name, "content": content},
            seconds_until([program.opens_at, program.closes_at], now=now),
        )

    parts = public_page_cached(f"detail:{slug}", render_content)
    return render(request, "programs/program_detail.html", {**shown, **parts})
