"""The public check page: the result with highlighted evidence, escaping of the untrusted
text, CSRF, the rate limit, languages, and the hotlines data."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from waspada.analyzer import default_analyzer
from waspada.api import ServeConfig, create_app
from waspada.api.hotlines import hotlines
from waspada.api.i18n import LOCALES, catalogues, negotiate
from waspada.api.ratelimit import RateLimiter

from .conftest import SECRET, Intel

LURE = ("Lowongan kerja di Kamboja, gaji 20 juta/bulan, tanpa pengalaman, tiket ditanggung. "
        "Hubungi WA 0812-3456-7890")


def submit(c: TestClient, text: str, **extra: str) -> tuple[int, str]:
    c.get("/")
    r = c.post("/", data={"text": text, "csrf": c.cookies.get("wsp_csrf") or "", **extra})
    return r.status_code, r.text


def test_the_page_works_without_javascript_and_marks_the_evidence(client: TestClient) -> None:
    status, html = submit(client, LURE, lang="id")
    assert status == 200
    assert 'id="verdict"' in html and "Risiko tinggi" in html
    marked = re.findall(r'<mark class="flag"[^>]*>([^<]+)</mark>', html)
    assert "tanpa pengalaman" in marked and "tiket ditanggung" in marked
    # the number is evidence of the "contact only by chat app" flag: marked as a flag (a flag
    # wins over an identifier), and listed among the identifiers
    assert "0812-3456-7890" in marked
    assert re.search(r'<span class="kind">phone</span> \+6281234567890', html)
    assert "0800 1000" in html  # Indonesia's channels for an Indonesian reader


def test_a_shared_text_arrives_in_the_box_unchecked(client: TestClient) -> None:
    html = client.get("/", params={"text": "Kerja <b>di</b> Kamboja"}).text
    assert "Kerja &lt;b&gt;di&lt;/b&gt; Kamboja</textarea>" in html
    assert 'id="verdict"' not in html


def test_the_untrusted_text_is_escaped_everywhere(client: TestClient) -> None:
    evil = ('<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & '
            "gaji 20 juta tanpa pengalaman hubungi WA 0812-3456-7890 </textarea><b>")
    status, html = submit(client, evil)
    assert status == 200
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("</textarea>") == 1


def test_a_form_post_without_the_csrf_cookie_is_refused(client: TestClient) -> None:
    fresh = TestClient(client.app)
    r = fresh.post("/", data={"text": LURE, "csrf": "made-up"})
    assert r.status_code == 403


def test_english_and_indonesian_by_parameter_and_by_browser(client: TestClient) -> None:
    assert 'lang="en"' in client.get("/?lang=en").text
    assert 'lang="id"' in client.get("/", headers={"accept-language": "id-ID,id;q=0.9"}).text
    assert 'lang="en"' in client.get("/", headers={"accept-language": "fr, en;q=0.5"}).text
    assert negotiate(None, "th, de;q=0.2") == "id"  # neither: the default
    assert negotiate("xx", None) == "id"


def test_every_catalogue_has_every_key() -> None:
    cats = catalogues()
    assert {"en", "id"} <= set(cats)
    assert {p.stem for p in LOCALES.glob("*.json")} == set(cats)
    for lang, cat in cats.items():
        assert set(cat) == set(cats["en"]), lang


def test_every_hotline_names_its_source_and_date() -> None:
    data = hotlines()
    assert {"ID", "PH"} <= set(data)
    for code, entry in data.items():
        for ch in entry["channels"]:
            assert ch["source_url"].startswith(("https://", "http://")), code
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(ch["source_date"])), code
            assert ch["contact"] and ch["source_kind"], code


def test_the_token_bucket_refills_with_time() -> None:
    now = [1000.0]
    rl = RateLimiter(per_minute=6, burst=2, clock=lambda: now[0])
    assert [rl.take("a"), rl.take("a")] == [0, 0]
    assert rl.take("a") == 10  # one token every 10 s
    assert rl.take("b") == 0  # another client has its own bucket
    now[0] += 10
    assert rl.take("a") == 0 and rl.take("a") > 0


def test_checks_over_the_rate_get_429_with_retry_after(intel: Intel) -> None:
    app = create_app(ServeConfig(db=intel.db, secret=SECRET, rate_per_minute=1, rate_burst=2,
                                 analyzer=default_analyzer()))
    c = TestClient(app)
    codes = [c.post("/api/v1/check", json={"text": "halo"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = c.post("/api/v1/check", json={"text": "halo"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.json()["error"]["code"] == "rate_limited"
    status, _ = submit(c, "halo")  # the page shares the client's bucket
    assert status == 429
    key = intel.keys["viewer-clear"]  # a key holder is not limited
    r = c.post("/api/v1/check", json={"text": "halo"}, headers={"X-API-Key": key})
    assert r.status_code == 200


def test_the_package_ships_its_static_files_and_their_licences() -> None:
    static = Path(create_app.__code__.co_filename).parent / "static"
    for name in ("vendor/htmx/htmx.min.js", "vendor/htmx/LICENSE",
                 "vendor/cytoscape/cytoscape.min.js", "vendor/cytoscape/LICENSE",
                 "style.css", "graph.js"):
        assert (static / name).is_file(), name
