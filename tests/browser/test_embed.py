"""The embeddable answer on another site, in a real browser: a page on another origin frames the
embed page, which shows, and an ordinary page, which Chromium refuses to show in a frame. And
the JSON-LD data block under the strict CSP: no violation."""

import pytest

pytestmark = pytest.mark.browser


def other_site(site: str) -> bytes:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A municipality's page</title></head>
<body><h1>MitID in our municipality</h1>
<iframe name="embedded" src="{site}/da/embed/?date=2023-11-01" title="NemID"></iframe>
<iframe name="page" src="{site}/da/?date=2023-11-01" title="A page"></iframe>
<iframe name="share" src="{site}/da/share/" title="Share"></iframe>
</body></html>""".encode()


def test_another_site_can_frame_the_embed_page_and_no_other_page(page, site, httpserver_ipv4):
    httpserver_ipv4.expect_request("/").respond_with_data(
        other_site(site), content_type="text/html; charset=utf-8"
    )
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(httpserver_ipv4.url_for("/"))
    assert page.evaluate("location.origin") != site
    page.wait_for_load_state("load")
    embedded = page.frame(name="embedded")
    assert embedded.locator("[data-nemid-status]").get_attribute("data-nemid-status") == "closed"
    assert embedded.locator("h1").inner_text() == "NemID den 1. november 2023"
    for name in ("page", "share"):
        frame = page.frame(name=name)
        # Chromium shows its own error page in a frame it refuses to fill.
        assert frame.locator("[data-nemid-status]").count() == 0, name
        assert not frame.url.startswith(site), frame.url
    assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in refused)
    # The embed page itself breaks no rule of its own policy.
    assert not [text for text in refused if "embed" in text and "Content Security Policy" in text]


def test_the_share_page_previews_the_embed_page_in_its_own_frame(page, site):
    page.goto(f"{site}/en/share/?date=2023-07-01")
    preview = page.frame_locator("iframe.embed-preview")
    assert preview.locator("[data-nemid-status]").get_attribute("data-nemid-status") == "limited"
    assert page.locator("img.badge-preview").evaluate("image => image.naturalWidth") > 0


@pytest.mark.parametrize("path", ["/en/timeline/", "/da/?date=2023-11-01", "/da/embed/"])
def test_no_page_meets_a_csp_violation_with_its_json_ld(page, site, path):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(site + path)
    page.wait_for_load_state("load")
    assert page.locator('script[type="application/ld+json"]').count() == (
        0 if "embed" in path else 1
    )
    assert not [text for text in messages if "Content Security Policy" in text], messages
