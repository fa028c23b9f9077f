"""The browser enforces the portal's Content-Security-Policy, and the suite hears it."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inline_script_is_refused_and_reported(new_context):
    context = new_context()
    page = context.new_page()
    page.goto("/programs/")
    assert context.problems == []  # the page itself needs nothing the policy forbids
    with pytest.raises(Exception, match="Content Security Policy|Refused"):
        page.add_script_tag(content="window.injected = true;")
    assert page.evaluate("window.injected === undefined") is True
    assert any(problem.startswith("CSP: ") for problem in context.problems)
