"""Find English left on a page or in an e-mail that should be all Russian or Kazakh.

A page's visible text (and the placeholders, labels and titles a reader sees)
is searched for runs of Latin letters; each run that is not on the allowlist
(brand names, technical names that stay Latin in Russian and Kazakh too) is
reported. Used by the server-side page checks and by the browser tests.
"""

import re
from html import unescape
from html.parser import HTMLParser

from django.conf import settings

# Words that stay in Latin letters in a Russian or Kazakh text.
ALLOWED = {
    "English",  # the language switcher names each language in itself
    "TOTP",
    "QR",
    "ID",
    "IP",
    "PDF",
    "CSRF",
    "passkey",
    "KZT",
    "Google",
    "Authenticator",
    "Microsoft",
    "Aegis",
    "FreeOTP",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
URL = re.compile(r"https?://\S+")
SEEN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HIDDEN_TAGS = {"script", "style", "template", "noscript", "head"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden":
            return
        for name in SEEN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader of the HTML page sees, as one string."""
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_words(text: str, *, allowed: set[str] = frozenset()) -> list[str]:
    """Latin-letter words in `text` outside the allowlist, brand names, e-mails and URLs."""
    text = URL.sub(" ", EMAIL.sub(" ", unescape(text)))
    brand = set(LATIN_WORD.findall(settings.PORTAL_NAME))
    known = ALLOWED | brand | set(allowed)
    return sorted({w for w in LATIN_WORD.findall(text) if w not in known})
