"""The API documentation page renders the portal's own schema with vendored swagger-ui,
under the portal's Content-Security-Policy (no inline script, nothing remote)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_the_schema_without_a_csp_violation(new_context, tmp_path):
    context = new_context()
    requested = []
    context.on("request", lambda r: requested.append(r.url))
    page = context.new_page()
    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/manager/ledger" in [p.strip().replace("\u200b", "") for p in paths]
    page.screenshot(path=str(tmp_path / "api-docs.png"))
    assert context.problems == []
    base = page.url.split("/api/")[0]
    assert [url for url in requested if not url.startswith(base)] == []
