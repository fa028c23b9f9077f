"""Russian and Kazakh in a real browser: no English left at the door, one face for every letter.

- The sign-up and login pages, chosen in Kazakh or Russian with the
  switcher, show no English word (visible text, placeholders and labels).
- In the admin, the header's language switcher changes the page and the
  stored preference; a Kazakh admin page draws its letters (ғ қ ң ө ү ұ һ і ә)
  with the vendored Noto Sans, loaded from this site under its CSP.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.english_words import english_words
from tests.factories import PASSWORD, UserFactory
from tests.mfa_helpers import current_code, give_totp

pytestmark = pytest.mark.browser

KAZAKH_LETTERS = "ғқңөүұһіә"
# Everything a reader sees: the text, and the words in fields and labels.
SEEN_TEXT = """() => [document.body.innerText,
  ...[...document.querySelectorAll('[placeholder],[aria-label],[title],img[alt]')].map(
    e => [e.getAttribute('placeholder'), e.getAttribute('aria-label'), e.getAttribute('title'),
          e.getAttribute('alt')].filter(Boolean).join(' '))].join('\\n')"""
FACES = """async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter(
    f => f.family.replace(/["']/g, '') === 'Noto Sans Variable');
  return {
    loaded: faces.filter(f => f.status === 'loaded').map(f => f.unicodeRange),
    check: document.fonts.check('16px "Noto Sans Variable"', 'LETTERS'),
    family: getComputedStyle(document.querySelector('#content h1, #content')).fontFamily,
  };
}""".replace("LETTERS", KAZAKH_LETTERS)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_signup_and_login_pages_have_no_english(new_context, language):
    context = new_context()
    page = context.new_page()
    page.goto("/")
    page.locator(f'#language-switcher button[value="{language}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    seen = {}
    for path in ("/accounts/signup/", "/accounts/login/"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        seen[path] = english_words(page.evaluate(SEEN_TEXT))
    # A wrong password: the error is in the language too.
    page.fill("#id_login", "nobody@example.kz")
    page.fill("#id_password", "not-the-password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-danger, .invalid-feedback, .errorlist").first).to_be_visible()
    seen["login error"] = english_words(page.evaluate(SEEN_TEXT))
    assert seen == dict.fromkeys(seen, [])
    assert context.problems == []


def test_admin_switcher_and_the_kazakh_face(new_context):
    boss = UserFactory(is_staff=True, is_superuser=True, preferred_language="en", totp=False)
    secret = give_totp(boss)
    context = new_context()
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_login", boss.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.fill("#id_code", current_code(secret))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto("/admin/startups/program/")
    page.locator('#language-form button[value="kk"]').click()
    expect(page).to_have_url(re.compile(r"/admin/startups/program/$"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator('#language-form button[value="kk"]')).to_have_attribute(
        "aria-current", "true"
    )
    expect(page.locator("#user-tools")).to_contain_text("Сайтты қарау")
    expect(page.locator("#nav-filter")).to_have_attribute("placeholder", "Сүзу үшін тере бастаңыз…")
    boss.refresh_from_db()
    assert boss.preferred_language == "kk"

    faces = page.evaluate(FACES)
    assert faces["family"].startswith('"Noto Sans Variable"')
    assert faces["check"] is True
    # The Cyrillic Extended subset (Kazakh letters) and basic Cyrillic were fetched.
    assert any("U+460-52F" in r for r in faces["loaded"]), faces["loaded"]
    assert any("U+400-45F" in r for r in faces["loaded"]), faces["loaded"]
    assert context.problems == []
