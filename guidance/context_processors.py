"""Template context every page needs."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info


def languages(request) -> dict:
    """This page's address in each language, for the language links and hreflang alternates."""
    path = request.get_full_path()
    return {
        "alternates": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"].capitalize(),
                "url": request.build_absolute_uri(translate_url(path, code)),
                "path": translate_url(path, code),
            }
            for code, _name in settings.LANGUAGES
        ]
    }
