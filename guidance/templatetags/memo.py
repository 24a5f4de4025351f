"""``{% memo %}``: a part of a page rendered once per content snapshot, then reused.

Most of an answer page is the same for every date with the same answer: the status box, the ways
to get MitID, the timeline, the form. A date never asked before would render all of it again (the
response cache in ``guidance.pages.middleware`` only helps the same URL twice). ``{% memo a b %}``
keeps the rendered HTML of its body (with holes for its ``{% fresh %}`` blocks, below) in each
process's bounded LRU (``fragments``), keyed by

- the tag itself: each ``{% memo %}`` of each template as parsed (two tags never share a part);
- the page's content snapshot (``content_key`` in the context: ``Content.key``, which changes with
  every edit and at every scheduled moment), so an edit shows on the very next request;
- the active language, the script prefix and the URL configuration (``{% url %}`` depends on them);
  settings are fixed for a process's life (they change only in tests, which empties the LRU);
- the values it names (``a``, ``b``; a list counts as a tuple, a lazy translation as its text):
  everything else the body shows must follow from them.

Parts of the body that change with the date go in ``{% fresh %}…{% endfresh %}``: they are left as
holes in the kept HTML and rendered on every request, with the context as it is at ``{% memo %}``.
A ``fresh`` block that would render otherwise there (it uses a ``for`` or ``with`` variable set
inside the memo) is refused with an error the first time the memo is kept.

What ends a part: nothing removes it when the content changes. An edit or a scheduled moment
changes ``content_key``, so the old part is never found again; any part goes once
``MAX_ENTRIES`` others have been used since it last was (least recently used first), when a
setting changes (``setting_changed``: only in tests), or with the process.

Without a ``content_key`` (error pages, pages that do not read the content, a staff preview with
its unsaved row) the body is rendered as usual and nothing is kept: no page loads the content
for this.

Django's ``{% cache %}`` is not used: it goes to the default cache (a Redis round trip per part
in production), keys by the text of its arguments and cannot leave holes for the date.
"""

import itertools
import secrets

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader_tags import BlockNode, ExtendsNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from guidance.lru import BoundedLRU

register = template.Library()

CONTENT_KEY = "content_key"  # the context variable naming the content snapshot (views.ask)
HOLES = "memo_holes"  # the context variable the fresh blocks of a memo being rendered go to
MAX_ENTRIES = 1024  # about 500 parts in use: languages × audiences × situations × answers
_ids = itertools.count()
# Marks where a fresh block goes in the kept HTML: no text citizens read can hold it (NUL).
_HOLE = f"\x00{secrets.token_hex(8)}\x00"


fragments = BoundedLRU(MAX_ENTRIES)
enabled = True  # tests switch it off to compare pages rendered without it


@receiver(setting_changed)
def _forget_on_new_settings(**kwargs) -> None:
    """Settings change only in tests (override_settings): what was kept may show the old ones."""
    fragments.clear()


class FreshNode(template.Node):
    """A part of a memo rendered on every request."""

    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist

    def render(self, context) -> str:
        holes = context.get(HOLES)
        if holes is None:  # not inside a memo being kept
            return self.nodelist.render(context)
        with context.push({HOLES: None}):  # a fresh block inside it is simply part of it
            holes.append((self.nodelist, self.nodelist.render(context)))
        return _HOLE


def hashable(value):
    """A list as a tuple (a list of rows or timeline entries is a fine key), a lazy translation
    as its text (its hash would follow the active language), else the value."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, Promise):
        return str(value)
    return value


class MemoNode(template.Node):
    # Hidden from searches through the template: {% extends %} looks for blocks in the whole
    # base layout on every render, and a memo holds none (refused when parsed).
    child_nodelists = ()

    def __init__(self, nodelist: template.NodeList, values: list):
        self.nodelist = nodelist
        self.values = values
        self.id = next(_ids)  # unique for the process, unlike id() of a template parsed anew

    def render(self, context) -> str:
        content_key = context.get(CONTENT_KEY)
        if not enabled or content_key is None or context.get(HOLES) is not None:
            # Nothing to key by (a staff preview has none: views.ask), or inside a memo that
            # keeps everything already.
            return self.nodelist.render(context)
        key = (
            self.id,
            content_key,
            get_language(),
            get_script_prefix(),
            get_urlconf(),
            *(hashable(value.resolve(context)) for value in self.values),
        )
        entry = fragments.get(key)
        if entry is None:
            entry = self.keep(key, context)
        static, holes = entry
        if not holes:
            return static[0]
        parts = [static[0]]
        for nodelist, text in zip(holes, static[1:], strict=True):
            parts.append(nodelist.render(context))
            parts.append(text)
        return SafeString("".join(parts))  # template output only: escaped as it was rendered

    def keep(self, key: tuple, context) -> tuple:
        """Render the body with holes for its fresh blocks, and keep it."""
        holes = []
        with context.push({HOLES: holes}):
            html = self.nodelist.render(context)
        static = tuple(SafeString(text) for text in html.split(_HOLE))
        if len(static) != len(holes) + 1:
            raise template.TemplateSyntaxError(
                "{% memo %}: the place of a {% fresh %} block was lost or repeated (is it inside "
                "a tag that rewrites its text, such as {% filter %}?)."
            )
        for nodelist, in_place in holes:
            if nodelist.render(context) != in_place:
                raise template.TemplateSyntaxError(
                    "A {% fresh %} block uses a variable set inside its {% memo %} (by a for or "
                    "a with): it is rendered with the context at {% memo %}. Move the variable "
                    "out, or the block."
                )
        entry = (static, tuple(nodelist for nodelist, _in_place in holes))
        fragments.put(key, entry)
        return entry


@register.tag
def memo(parser, token) -> MemoNode:
    """``{% memo value… %}…{% endmemo %}``: the body, rendered once per content snapshot,
    language and values (see the module's docstring)."""
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode) or nodelist.get_nodes_by_type(ExtendsNode):
        # A child template's block would be kept as the first page that used it rendered it.
        raise template.TemplateSyntaxError("{% memo %} cannot hold a {% block %} or {% extends %}.")
    return MemoNode(nodelist, values)


@register.tag
def fresh(parser, token) -> FreshNode:
    """``{% fresh %}…{% endfresh %}``: inside a memo, a part rendered on every request."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% fresh %} takes no arguments.")
    nodelist = parser.parse(("endfresh",))
    parser.delete_first_token()
    return FreshNode(nodelist)
