"""Comment text → safe HTML: everything escaped, http(s) links made clickable, @mentions
marked. No database and no models: the caller says which usernames exist.

Only ``http://`` and ``https://`` become links; ``javascript:``, ``data:`` and the rest stay
text. A link ends at whitespace, and trailing punctuation that ends a sentence (".", ",",
")" …) stays outside it, as a reader means it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_LENGTH = 5000
# A username as Django allows it (letters, digits and @.+-_), but a mention ends before a
# trailing "." or "-" so "thanks @rita." names rita.
_MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]*[\w+])")
_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def mentioned_usernames(text: str) -> list[str]:
    """Every @name in ``text``, in order, once each (as written; matching is the caller's)."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(_without_urls(text)):
        seen.setdefault(match.group(1), None)
    return list(seen)


def _without_urls(text: str) -> str:
    # "https://x.org/@rita" names nobody: blank links out, keeping every offset.
    return _URL.sub(lambda m: " " * len(m.group(0)), text)


def _split_url(raw: str) -> tuple[str, str]:
    """The link and what follows it: sentence punctuation, and a ")" with no "(" in the link."""
    end = len(raw)
    while end > 0 and raw[end - 1] in _TRAILING:
        if raw[end - 1] == ")" and raw[:end].count("(") >= raw[:end].count(")"):
            break
        end -= 1
    return raw[:end], raw[end:]


def comment_html(
    text: str,
    *,
    known_users: Collection[str] = (),
    mention_url: Callable[[str], str] | None = None,
) -> SafeString:
    """``text`` as HTML: escaped, links clickable (``rel="noopener noreferrer nofollow"``,
    new tab), and @name of a known user wrapped in ``<span class="mention">`` (or a link,
    given ``mention_url``). Line breaks are kept by the stylesheet (``white-space: pre-wrap``)."""
    known = {name.casefold() for name in known_users}
    parts: list[str] = []
    pos = 0
    for match in _URL.finditer(text):
        url, _ = _split_url(match.group(0))
        if not url.partition("://")[2]:
            continue
        parts.append(_mentions_html(text[pos : match.start()], known, mention_url))
        href = escape(url)
        parts.append(
            f'<a href="{href}" rel="noopener noreferrer nofollow" target="_blank">{href}</a>'
        )
        pos = match.start() + len(url)
    parts.append(_mentions_html(text[pos:], known, mention_url))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def _mentions_html(chunk: str, known: set[str], mention_url: Callable[[str], str] | None) -> str:
    out: list[str] = []
    pos = 0
    for match in _MENTION.finditer(chunk):
        name = match.group(1)
        if name.casefold() not in known:
            continue
        out.append(escape(chunk[pos : match.start()]))
        label = escape("@" + name)
        if mention_url is not None:
            out.append(f'<a class="mention" href="{escape(mention_url(name))}">{label}</a>')
        else:
            out.append(f'<span class="mention">{label}</span>')
        pos = match.end()
    out.append(escape(chunk[pos:]))
    return "".join(out)
