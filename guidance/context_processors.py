"""Template context every page needs."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import translate_url
from django.utils.translation import get_language_info


def languages(request) -> dict:
    """This page's address in each language, for the language links and hreflang alternates."""
    path = request.get_full_path()
    try:
        host = request.get_host()
    except DisallowedHost:
        # The error page for a forged Host header: no absolute links to a host we do not serve.
        host = None
    alternates = []
    for code, _name in settings.LANGUAGES:
        translated = translate_url(path, code)
        alternates.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"].capitalize(),
                "path": translated,
                "url": f"{request.scheme}://{host}{translated}" if host else None,
            }
        )
    return {"alternates": alternates}
