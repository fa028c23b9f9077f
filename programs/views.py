from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from programs import selectors
from startups.models import Program


def home(request: HttpRequest) -> HttpResponse:
    programs = selectors.program_list_accepting()[:6]
    return render(request, "home.html", {"programs": programs})


def program_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.program_list_public(), 20).get_page(request.GET.get("page"))
    return render(request, "programs/program_list.html", {"page": page})


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        program = selectors.program_get_public(slug=slug)
    except Program.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "programs/program_detail.html", {"program": program})
