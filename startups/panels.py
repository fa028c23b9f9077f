"""Sections that the apps above `startups` add to a team's application page.

`startups` may not import the apps that stand on it, yet the team's page must
show what they know about the application (the award, its tranches and the
payments belong to `programs`). Such an app registers a panel here when it
starts (`AppConfig.ready`); the page renders the panels in order. A panel is
a function of the application and the request that returns HTML (empty for
nothing to show) and reads only what the team may see.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from startups.models import Application

Panel = Callable[[Application, HttpRequest], str]

_panels: list[Panel] = []


def application_panel_register(panel: Panel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def application_panels_render(
    *, application: Application, request: HttpRequest
) -> list[SafeString]:
    rendered = (panel(application, request) for panel in _panels)
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 (rendered templates)
