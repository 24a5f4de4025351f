"""The Danish catalogue is complete: nothing fuzzy (msgfmt drops it) or left untranslated."""

import re
from pathlib import Path

import pytest
from django.urls import translate_url

from guidance.pages.context import translated

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/da/LC_MESSAGES/django.po"


def entries() -> list[str]:
    return CATALOGUE.read_text().split("\n\n")[1:]  # the first block is the header


def test_no_danish_entry_is_marked_fuzzy():
    assert [e for e in entries() if "#, fuzzy" in e] == []


def test_every_message_has_a_danish_translation():
    untranslated = [e for e in entries() if re.search(r'^msgstr ""\Z', e.strip(), re.M)]
    assert untranslated == []


def test_each_language_link_names_its_language_in_that_language(client, db):
    assert 'hreflang="da" lang="da">Dansk</a>' in client.get("/en/").content.decode()
    assert 'hreflang="en" lang="en">English</a>' in client.get("/da/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/en/?date=2023-07-01&audience=business",
        "/da/timeline/?date=2023%2F07%2F01",
        "/en/?a#b",
        "/en/?a#",
        "//evil.example/en/?date=1",
        "/en/nowhere/?x=1",
        "/nowhere",
    ],
)
@pytest.mark.parametrize("code", ["en", "da"])
def test_remembered_translations_of_a_path_are_those_of_translate_url(path, code):
    assert translated(path, code) == translate_url(path, code)
