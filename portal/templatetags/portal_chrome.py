"""`{% chrome "name" [value ...] %}…{% endchrome %}`: page chrome rendered once per process.

The navigation bar, the footer and the links to the style sheets are the same
for every visitor in a language: they depend on the code alone (templates,
URLs, translation catalogues, the static files' manifest: fixed for the life
of a process), on the active language and on the few values named in the tag
(`user.is_authenticated`, `user.is_staff`). Rendering them costs more than the
light pages' own content, so each fragment is rendered once per (language,
values) and kept on its template node.

Kept in the process, not in the shared cache: there is nothing to invalidate
(the inputs are the key) and no round trip to pay. A reloaded template (DEBUG)
brings new nodes and so an empty memo; a changed setting (tests) empties every
memo.

What is the visitor's own (a CSRF token, the current path, the user's name)
stays outside, between fragments: a fragment that holds `{% csrf_token %}` is
refused when the template is compiled. The values named must be few (flags,
not ids or names): each fragment keeps at most `MAX_ENTRIES` renderings.
"""

from django import template
from django.core.signals import setting_changed
from django.template.base import FilterExpression, Node, NodeList
from django.template.context import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 64

_generation = 0


def _forget_all(**_kwargs: object) -> None:
    global _generation  # noqa: PLW0603 (a process-wide counter read by every node)
    _generation += 1


setting_changed.connect(_forget_all, dispatch_uid="portal_chrome_forget_all")


class ChromeNode(Node):
    # `{% extends %}` looks for blocks through the whole parent on every render;
    # a fragment holds none (refused below), so the search need not enter it.
    child_nodelists = ()

    def __init__(self, name: str, nodelist: NodeList, values: list[FilterExpression]) -> None:
        self.name = name
        self.nodelist = nodelist
        self.values = values
        self.memo: dict[tuple, SafeString] = {}
        self.generation = _generation

    def render(self, context: Context) -> SafeString:
        if self.generation != _generation:
            self.memo = {}
            self.generation = _generation
        key = (get_language(), *(value.resolve(context) for value in self.values))
        html = self.memo.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(self.memo) >= MAX_ENTRIES:
                self.memo = {}
            self.memo[key] = html
        return html


@register.tag("chrome")
def do_chrome(parser, token) -> ChromeNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% chrome %} needs a name")
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(CsrfTokenNode):
        raise template.TemplateSyntaxError(
            f"{{% chrome {bits[1]} %}} holds a CSRF token: keep it outside the fragment"
        )
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(
            f"{{% chrome {bits[1]} %}} holds a block: a page could not fill it"
        )
    return ChromeNode(bits[1].strip("\"'"), nodelist, [parser.compile_filter(b) for b in bits[2:]])
