"""The Danish catalogue is complete: nothing fuzzy (msgfmt drops it) or left untranslated."""

import re
from pathlib import Path

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
