"""Plain language, measured: LIX ≤ 35 on every Danish page, Flesch reading ease ≥ 60 on every
English page, and no sentence over 25 words in a citizen's answer (issue 13).

Only the main text counts (tests/readability.py says how: <main> less the form and less text in
another language); every public page of tools/public_pages.py is measured, on the seed's dates.
"""

import pytest

from guidance.models import Milestone
from tests import readability
from tools.public_pages import advice_paths, other_paths

pytestmark = pytest.mark.django_db

MAX_LIX = 35
MIN_FLESCH = 60
MAX_SENTENCE_WORDS = 25


def milestone_days():
    return sorted(set(Milestone.objects.values_list("date", flat=True)))


def pages(language):
    return [path for path, _ in advice_paths(language, milestone_days())] + other_paths(language)


def test_every_danish_page_has_a_lix_of_35_or_less(client):
    scores = {path: readability.lix(client.get(path).content.decode()) for path in pages("da")}
    assert len(scores) > 30
    too_hard = {path: round(score, 1) for path, score in scores.items() if score > MAX_LIX}
    assert too_hard == {}


def test_every_english_page_has_a_flesch_reading_ease_of_60_or_more(client):
    scores = {path: readability.flesch(client.get(path).content.decode()) for path in pages("en")}
    assert len(scores) > 30
    too_hard = {path: round(score, 1) for path, score in scores.items() if score < MIN_FLESCH}
    assert too_hard == {}


@pytest.mark.parametrize("language", ["en", "da"])
def test_no_sentence_in_a_citizen_answer_is_over_25_words(client, language):
    citizen = [
        p for p, audience in advice_paths(language, milestone_days()) if audience == "citizen"
    ]
    too_long = {}
    for path in citizen:
        words, sentence = readability.longest_sentence(client.get(path).content.decode(), language)
        if words > MAX_SENTENCE_WORDS:
            too_long[path] = sentence
    assert too_long == {}


# The measure itself.

PAGE = """<html lang="da"><body><nav><a href="/">Navigation med lange ordforbindelser</a></nav>
<main><h1>Kort titel</h1><p>Du kan se den 31. oktober 2023. Det er let.</p>
<p lang="en">An English source title that must not count</p>
<form><label>Formularens forklaringstekst</label></form></main>
<footer>Sidefoden tæller heller ikke</footer></body></html>"""


def test_the_main_text_leaves_out_navigation_form_footer_and_other_languages():
    assert readability.sentences(PAGE, "da") == [
        "Kort titel",
        "Du kan se den 31. oktober 2023.",
        "Det er let.",
    ]


def test_lix_counts_words_per_sentence_and_long_words():
    # 12 words (numbers count), 3 sentences; one word over six letters ("oktober").
    assert readability.lix(PAGE) == pytest.approx(12 / 3 + 100 * 1 / 12)


def test_flesch_uses_the_pinned_pronouncing_dictionary():
    easy = "<main><p>The cat sat on the mat. It was glad.</p></main>"
    hard = "<main><p>Organisational accountability necessitates documentation.</p></main>"
    assert readability.flesch(easy) > 100
    assert readability.flesch(hard) < 0
