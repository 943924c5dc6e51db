"""The page at ``/`` in a real browser: Debian's headless Chromium driven by Selenium, against a
``tdkg serve`` process (the ``server`` fixture: a real server on purpose, a browser needs a socket). Nothing but loopback resolves in that browser, and
every request it makes is read from Chromium's performance log and checked to go to 127.0.0.1.

Leaves screenshots in ``test-artifacts/`` (page.png: a saved query's Arabic results; describe.png).
"""
from __future__ import annotations

import json
import re
import struct
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts"
ARABIC = re.compile(r"[\u0600-\u06FF]")
WAIT = 20        # seconds for any one thing to appear

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason=f"needs Debian's headless browser: {CHROMIUM} and {CHROMEDRIVER} "
           "(apt-get install chromium chromium-driver fonts-noto-core; .ci/run does)")

webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install -e '.[test]')")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


class Browser:
    """A Chromium session that remembers every request it made (from the performance log)."""

    def __init__(self, profile: Path):
        opts = webdriver.ChromeOptions()
        opts.binary_location = str(CHROMIUM)
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--disable-default-apps", "--disable-extensions", "--lang=en-US",
                    f"--user-data-dir={profile}", "--window-size=1440,1100",
                    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
            opts.add_argument(arg)
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        self.driver = webdriver.Chrome(service=webdriver.ChromeService(str(CHROMEDRIVER)), options=opts)
        self.requests: list[dict] = []       # {"method", "url", "postData"?}
        self.console: list[dict] = []

    def drain(self) -> list[dict]:
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg["method"] == "Network.requestWillBeSent":
                req = msg["params"]["request"]
                self.requests.append({"method": req["method"], "url": req["url"],
                                      "postData": req.get("postData", "")})
            elif msg["method"] == "Network.webSocketCreated":
                self.requests.append({"method": "WS", "url": msg["params"]["url"]})
        self.console += self.driver.get_log("browser")
        return self.requests

    def wait(self, condition, what: str):
        try:
            return WebDriverWait(self.driver, WAIT).until(condition)
        except TimeoutException:
            err = self.driver.find_elements(By.ID, "error")
            raise AssertionError(f"timed out waiting for {what}; status="
                                 f"{self.text('#status')!r} error={err[0].text if err else ''!r}")

    def text(self, css: str) -> str:
        els = self.driver.find_elements(By.CSS_SELECTOR, css)
        return els[0].text if els else ""

    def rows(self):
        return self.driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")

    def wait_rows(self, n: int | None = None, what: str = "result rows"):
        """Wait for a finished run (status ok) with n rows (any number > 0 if n is None)."""
        def done(d):
            if "ok" not in (d.find_element(By.ID, "status").get_attribute("class") or ""):
                return False
            rows = self.rows()
            return rows if (len(rows) == n if n is not None else rows) else False
        return self.wait(done, what)

    def set_query(self, text: str):
        area = self.driver.find_element(By.ID, "query")
        area.clear()
        area.send_keys(text)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        assert self.driver.save_screenshot(str(path)), f"could not save {path}"
        return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.driver.quit()


def open_page(browser: Browser, server, path: str = "/"):
    browser.driver.get(server.url + path)
    browser.wait(EC.presence_of_element_located((By.ID, "results")), "the page")


def assert_png(path: Path, min_width: int, min_height: int):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= min_width and height >= min_height, (width, height)
    assert 20_000 < len(data) < 20_000_000, f"{path}: implausible size {len(data)} bytes"
    assert data.rstrip(b"\x00")[-8:-4] == b"IEND", f"{path} is truncated"


# ------------------------------------------------------------------ tests

def test_saved_query_shows_arabic_rows(browser, server):
    d = browser.driver
    open_page(browser, server)
    Select(d.find_element(By.ID, "saved")).select_by_value("accords-between")
    area = d.find_element(By.ID, "query")
    assert "SELECT ?a ?b ?agreement" in area.get_attribute("value"), "choosing fills the editor"
    for name, value in (("a", "EG"), ("b", "PS")):
        box = d.find_element(By.CSS_SELECTOR, f"#params input[name='{name}']")
        box.clear()
        box.send_keys(value)
    d.find_element(By.ID, "run").click()
    rows = browser.wait_rows(2, "the two EG–PS accords")
    assert len(rows) == 2
    table = d.find_element(By.ID, "results").text
    assert ARABIC.search(table), "the accords' evidence is Arabic"
    # Arabic cells are marked and laid out right to left
    ar_cells = d.find_elements(By.CSS_SELECTOR, "#results tbody td[lang='ar']")
    assert ar_cells, "no cell is marked lang=ar"
    assert d.execute_script("return getComputedStyle(arguments[0]).direction", ar_cells[0]) == "rtl"
    # IRIs link to /describe and get their (Arabic) labels from a second query
    browser.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#results a.iri.labelled"), "IRI labels")
    eg = d.find_element(By.CSS_SELECTOR, "#results a.iri[data-iri='https://w3id.org/tdkg/country/EG']")
    assert eg.text == "مصر"
    assert "/describe?iri=" + urllib.parse.quote("https://w3id.org/tdkg/country/EG", safe="") in \
        eg.get_attribute("href")
    # downloads are the same saved query, with its parameters, in four formats
    links = {a.text: a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "#downloads a")}
    assert set(links) == {"JSON", "XML", "CSV", "TSV"}
    assert links["CSV"] == server.url + "/queries/accords-between.csv?a=EG&b=PS"
    with urllib.request.urlopen(links["CSV"], timeout=10) as r:
        assert len(r.read().decode("utf-8").strip().splitlines()) == 3       # header + 2 rows
    # the address bar now names what was run, so the view can be shared
    assert d.current_url == server.url + "/?saved=accords-between&a=EG&b=PS"
    browser.drain()
    runs = [r for r in browser.requests if "/queries/accords-between.json?" in r["url"]]
    assert runs and runs[-1]["url"].endswith("?a=EG&b=PS")
    assert_png(browser.screenshot("page.png"), 1000, 600)


def test_free_text_query_and_error(browser, server):
    d = browser.driver
    open_page(browser, server)
    Select(d.find_element(By.ID, "saved")).select_by_value("")
    # prefixes tdo: and rdfs: left undeclared: the page adds the usual ones
    browser.set_query('SELECT ?country ?name WHERE {\n?country tdo:iso2 "PS" ; rdfs:label ?name .\n}'
                      ' ORDER BY ?name')
    d.find_element(By.ID, "query").send_keys(Keys.CONTROL, Keys.ENTER)
    rows = browser.wait_rows(2, "Palestine's two labels")
    assert any(ARABIC.search(r.text) for r in rows) and "Palestine" in d.find_element(By.ID, "results").text
    assert "added PREFIX" in browser.text("#status")
    posts = [r for r in browser.drain() if r["method"] == "POST" and r["url"] == server.url + "/sparql"]
    assert any('iso2' in urllib.parse.unquote_plus(r["postData"]) for r in posts), "ran by POST /sparql"
    hrefs = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "#downloads a")]
    assert len(hrefs) == 4 and all(h.startswith(server.url + "/sparql?query=") for h in hrefs)

    browser.set_query("SELECT ?x WHERE { ?x ?y }")
    d.find_element(By.ID, "run").click()
    box = browser.wait(EC.visibility_of_element_located((By.ID, "error")), "the error box")
    assert "400 Bad Request" in box.text and "malformed query" in box.text
    assert not browser.rows() and not d.find_elements(By.CSS_SELECTOR, "#downloads a")


def test_iri_link_opens_describe(browser, server):
    d = browser.driver
    open_page(browser, server, "/?saved=accords-between&a=EG&b=PS")       # chosen and run from the URL
    browser.wait_rows(2, "the accords")
    agreement = d.find_element(By.CSS_SELECTOR, "#results tbody tr:first-child td:nth-child(4) a.iri")
    iri = agreement.get_attribute("data-iri")
    assert "/agreement/" in iri
    agreement.click()
    browser.wait(EC.url_contains("/describe?iri="), "the describe page")
    rows = browser.wait_rows(None, "the agreement's triples")
    assert len(rows) >= 5
    directions = {r.find_element(By.CSS_SELECTOR, "td:nth-child(2)").text for r in rows}
    assert "out" in directions and directions <= {"out", "in"}
    assert ARABIC.search(d.find_element(By.ID, "results").text)
    assert d.find_element(By.ID, "describe-iri").text == iri
    browser.wait(lambda d: d.find_element(By.ID, "describe-label").text, "the described IRI's label")
    browser.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#results a.iri.labelled"), "labels")
    browser.screenshot("describe.png")


def test_every_request_went_to_loopback(browser, server):
    open_page(browser, server)                       # so this test checks something when run alone
    requests = browser.drain()
    assert len(requests) >= 3
    urls = [urllib.parse.urlsplit(r["url"]) for r in requests]
    # the browser's own pages (chrome://new-tab-page before the first load) and data: URLs are no
    # network; everything else must be our server
    assert {u.scheme for u in urls} <= {"http", "ws", "data", "chrome", "about", "blob"}, urls
    network = [u for u in urls if u.scheme in ("http", "ws")]
    assert {u.hostname for u in network} == {"127.0.0.1"}, [u.geturl() for u in network]
    assert {u.port for u in network} == {server.port}
    severe = [m for m in browser.console if m.get("level") == "SEVERE"]
    assert not [m for m in severe if "/sparql" not in m["message"]], severe   # the 400 above is expected


def test_browse_country_pair_accord_article(browser, server):
    """The browsing pages in a real browser: from Egypt's page to the pair, to an accord, to its
    article, by clicking; each page's Arabic laid out right to left; a screenshot of each
    (test-artifacts/browse-*.png)."""
    d = browser.driver
    d.get(server.url + "/country/EG")
    browser.wait(EC.presence_of_element_located((By.CSS_SELECTOR, "table.partners")), "the country page")
    h1 = d.find_element(By.CSS_SELECTOR, "h1 span[lang='ar']")
    assert h1.text == "مصر" and d.execute_script("return getComputedStyle(arguments[0]).direction", h1) == "rtl"
    # the ego network is an inline SVG the server drew: it has a size, and its circles are laid out
    svg = d.find_element(By.CSS_SELECTOR, "svg.ego")
    assert svg.size["width"] > 200 and len(svg.find_elements(By.CSS_SELECTOR, "circle")) == 3
    assert_png(browser.screenshot("browse-country.png"), 1000, 600)

    d.find_element(By.CSS_SELECTOR, "table.partners a.pair[href$='/pair/EG/PS']").click()
    browser.wait(EC.url_contains("/pair/EG/PS"), "the pair page")
    accords = d.find_elements(By.CSS_SELECTOR, "#items a[href*='/resource/agreement/']")
    assert len({a.get_attribute("href") for a in accords}) == 2
    browser.screenshot("browse-pair.png")

    signed = [a for a in accords if a.find_elements(By.XPATH, "./following-sibling::span[contains(@class,'signed')]")]
    (signed or accords)[0].click()
    browser.wait(EC.url_contains("/resource/agreement/"), "the accord page")
    quotes = d.find_elements(By.CSS_SELECTOR, "#reports blockquote[lang='ar']")
    assert quotes and all(d.execute_script("return getComputedStyle(arguments[0]).direction", q) == "rtl"
                          for q in quotes)
    browser.screenshot("browse-accord.png")

    d.find_element(By.CSS_SELECTOR, "#reports a.article").click()
    browser.wait(EC.url_contains("/resource/article/"), "the article page")
    marks = d.find_elements(By.CSS_SELECTOR, ".article-text mark.evidence")
    assert marks and all(ARABIC.search(m.text) for m in marks)
    text = d.find_element(By.CSS_SELECTOR, ".article-text")
    assert d.execute_script("return getComputedStyle(arguments[0]).direction", text) == "rtl"
    assert len(text.text) > sum(len(m.text) for m in marks)          # the whole text, the sentences marked
    browser.screenshot("browse-article.png")
    urls = [urllib.parse.urlsplit(r["url"]) for r in browser.drain() if r["url"].startswith("http")]
    assert {u.hostname for u in urls} == {"127.0.0.1"}
