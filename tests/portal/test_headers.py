"""Security headers on every page, and templates the CSP can allow as they are."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class InlineCode(HTMLParser):
    """Collects inline scripts, inline event handlers and <style> elements."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            if names.get("type") not in {"application/json", "application/ld+json"}:
                self.found.append(f"<script> without src {names}")
        if tag == "style":
            self.found.append("<style> element")
        self.found.extend(f"{tag} {name}=" for name in names if name.startswith("on"))
        for name in ("href", "src", "action"):
            if (names.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_csp_policy_allows_no_inline_script_and_no_remote_origin(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in " ".join(directives["script-src"] + directives["style-src-elem"])
    assert not re.search(r"https?://", policy)


def test_permissions_policy_and_referrer_policy(client):
    response = client.get("/programs/")
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_headers_on_admin_and_founder_pages(client, admin_client):
    founder = UserFactory()
    client.force_login(founder)
    for response in (client.get(reverse("startups:dashboard")), admin_client.get("/admin/login/")):
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["Permissions-Policy"]


def test_project_templates_have_no_inline_code():
    offenders = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        found = inline_code(path.read_text())
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_rendered_public_pages_have_no_inline_code(client):
    program = ProgramFactory()
    for url in ("/", "/programs/", program.get_absolute_url(), "/accounts/login/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url


def test_rendered_admin_pages_have_no_inline_code(admin_client):
    program = ProgramFactory()
    urls = [
        "/admin/",
        reverse("admin:startups_program_changelist"),
        reverse("admin:startups_program_change", args=[program.pk]),
        reverse("admin:startups_program_add"),
    ]
    for url in urls:
        response = admin_client.get(url, follow=True)
        assert response.status_code == 200, url
        assert inline_code(response.content.decode()) == [], url


def test_static_assets_reference_no_remote_origin():
    for path in (ROOT / "static").rglob("*"):
        if path.suffix in {".css", ".js"} and "vendor" not in path.parts:
            assert not re.search(r"https?://", path.read_text()), path
    assert settings.STATIC_URL.startswith("/") or not settings.STATIC_URL.startswith("http")
