"""The API from a web page on another origin, in a real browser: what CORS lets a script do,
conditional requests (304 with the 200's CORS headers, guidance/pages/middleware.py) included.

The page is served by a second server on another loopback port (another origin); its script
calls the app's API with fetch(), as an integrator's site would.
"""

import json
import urllib.request

import pytest

pytestmark = pytest.mark.browser

PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another site</title></head>
<body><h1>Another site that uses the eID guide API</h1></body></html>"""


@pytest.fixture
def elsewhere(page, httpserver_ipv4):
    """A page on another origin than the app (pytest-httpserver, on another port), ready to run
    scripts."""
    httpserver_ipv4.expect_request("/").respond_with_data(
        PAGE, content_type="text/html; charset=utf-8"
    )
    page.goto(httpserver_ipv4.url_for("/"))
    return page


FETCH_TWICE = """async ([url, header]) => {
  const first = await fetch(url, { cache: "no-store" });
  const body = await first.json();
  const validator = first.headers.get(header === "If-None-Match" ? "ETag" : "Last-Modified");
  const result = { first: first.status, validator, lang: body.lang };
  try {
    const second = await fetch(url, { cache: "no-store", headers: { [header]: validator } });
    result.second = second.status;
    result.secondBody = (await second.text()).length;
  } catch (error) {
    result.second = String(error);
  }
  return result;
}"""


def test_the_page_is_on_another_origin(elsewhere, site):
    origin = elsewhere.evaluate("location.origin")
    assert origin != site
    assert origin.startswith("http://127.0.0.1:")


def test_a_script_elsewhere_reads_the_etag_and_gets_304(elsewhere, site):
    result = elsewhere.evaluate(
        FETCH_TWICE, [f"{site}/api/v1/status?date=2023-07-01", "If-None-Match"]
    )
    assert result["first"] == 200
    assert result["lang"] == "en"
    assert result["validator"], "the ETag is not readable cross-origin"
    assert result["second"] == 304, result
    assert result["secondBody"] == 0


def test_a_script_elsewhere_reads_last_modified_and_gets_304(elsewhere, site):
    url = f"{site}/api/v1/milestones?lang=da"
    result = elsewhere.evaluate(FETCH_TWICE, [url, "If-Modified-Since"])
    assert result["first"] == 200
    assert result["validator"], "Last-Modified is not readable cross-origin"
    assert result["second"] == 304, result


def test_a_preflighted_request_elsewhere_gets_its_answer(elsewhere, site):
    """If-None-Match is not a CORS-safelisted header, so the browser asks first (OPTIONS)."""
    result = elsewhere.evaluate(
        """async (url) => {
          const response = await fetch(url, {
            cache: "no-store", headers: { "If-None-Match": '"not-the-etag"' },
          });
          return { status: response.status, etag: response.headers.get("ETag"),
                   label: (await response.json()).nemid.label };
        }""",
        f"{site}/api/v1/status?date=2023-07-01&lang=da",
    )
    assert result["status"] == 200
    assert result["etag"]
    with urllib.request.urlopen(f"{site}/api/v1/status?date=2023-07-01&lang=da") as direct:
        assert result["label"] == json.load(direct)["nemid"]["label"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/status?date=31-02-2023", 400),
        ("/api/v1/no-such-thing", 404),
        ("/api/v1/status?date=" + "x" * 3000, 414),
    ],
)
def test_a_script_elsewhere_reads_every_error(elsewhere, site, path, status):
    result = elsewhere.evaluate(
        """async (url) => {
          const response = await fetch(url, { cache: "no-store" });
          return { status: response.status, body: await response.json() };
        }""",
        site + path,
    )
    assert result["status"] == status
    assert result["body"]["status"] == status
    assert result["body"]["error"]
