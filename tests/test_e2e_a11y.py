"""Every page, in English and Spanish, in real headless Chromium: accessible and fit for a projector.

One Streamlit server (with two made-up saved runs, so Compare has its table) and one browser. On
each page (the landing page, then `ui.nav.PAGES` in order), at 1280×720:
- axe-core (the npm package, `.ci/run` installs it in `.ci/node`) must report no serious or
  critical violation, and no skipped heading level (axe's `heading-order`);
- with every expander open, no table scrolls sideways (`st.dataframe`'s grid scrolls inside its
  `.dvn-scroller`) and no text is cut (an element narrower than its text, with an ellipsis or
  its overflow hidden);
and the same layout checks again at 1366×768; `<html lang>` is the page's language (also after the
language switch). The same checks run on a class server (a local OpenID Connect provider) for a
signed-in lecturer's pages, the Class page included. On fresh servers, a deep link opened first
and then first visits never leave the main area empty for long. A screenshot of each page is saved in
`tests/artifacts/`. Skips when Chromium, Playwright or axe-core is absent, unless
CNNAPP_REQUIRE_BROWSER=1 (set by CI).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from test_app_compare import save_run
from test_e2e_browser import ARGS, ARTIFACTS, CHROMIUM, ROOT, start_server, stop_server
from test_e2e_signin import _sign_in, class_server  # noqa: F401 - class_server: a fixture

from ui.nav import LECTURER_PAGES, PAGES

AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SIZES = [(1280, 720), (1366, 768)]  # the screenshots: the first
FAILING_IMPACTS = ("serious", "critical")
ALSO_FAILING = {"heading-order"}  # "moderate" for axe, but a skipped level misleads a screen reader
# Streamlit's own file uploader: its drop zone carries role="presentation" yet has global ARIA
# attributes, inside the widget's frontend, out of the app's reach (axe calls it "minor").
ALLOWED = {"presentation-role-conflict": '[data-testid="stFileUploader"]'}
# The URL of each page: Streamlit's own for the file ("pages/3_Train.py" -> "/Train").
URLS = {"home": ""} | {key: Path(path).stem.split("_", 1)[1] for key, (path, _) in PAGES.items()}
# A lecturer's pages on a class server: the same, and the Class page.
LECTURER_URLS = URLS | {
    key: Path(path).stem.split("_", 1)[1] for key, (path, _) in LECTURER_PAGES.items()
}


def _missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (apt-get install chromium chromium-driver)"
    if not AXE.exists():
        return f"axe-core is not installed in {AXE.parents[2]} (npm install --prefix .ci/node axe-core@4)"
    return None


REASON = _missing()
if REASON and os.environ.get("CNNAPP_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"the accessibility test is required here, but {REASON}")
# Every page in both languages plus fresh-server first visits: about four minutes, so it runs with
# the slow tests (`.ci/run` runs those too).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(REASON is not None, reason=REASON or ""),
]

VIOLATIONS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160)})),
  }));
}"""
INSIDE = "([selector, inside]) => !!document.querySelector(selector)?.closest(inside)"
OPEN_EXPANDERS = """() => document.querySelectorAll('[data-testid="stExpander"] details:not([open]) summary')
  .forEach(summary => summary.click())"""
LAYOUT = """() => {
  const problems = [];
  document.querySelectorAll('[data-testid="stDataFrame"]').forEach((table, i) => {
    const scroller = table.querySelector('.dvn-scroller') || table;
    if (table.offsetParent && scroller.scrollWidth > scroller.clientWidth + 1)
      problems.push(`table ${i + 1} scrolls sideways: ${scroller.scrollWidth} px of content in ` +
                    `${scroller.clientWidth} px (${table.innerText.split('\\n')[0].slice(0, 60)})`);
  });
  const skip = '[data-testid="stDataFrame"], [data-testid="stCode"], ' +
               '[data-testid="stVegaLiteChart"], [data-testid="stIconMaterial"]';
  document.querySelectorAll('[data-testid="stApp"] *').forEach(el => {
    if (!el.offsetParent || el.closest(skip) || !el.innerText || !el.innerText.trim()) return;
    const style = getComputedStyle(el);
    const clips = style.textOverflow === 'ellipsis' || style.overflowX === 'hidden';
    // clientWidth 1: text for screen readers only ("Skip to main content", icon names)
    if (clips && el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1)
      problems.push(`text cut: "${el.innerText.trim().slice(0, 60)}" needs ${el.scrollWidth} px, ` +
                    `has ${el.clientWidth} px`);
  });
  return problems;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("a11y")
    with pytest.MonkeyPatch.context() as patch:  # the runs Compare lists (the command line's)
        patch.setenv("CNNAPP_MODELS_DIR", str(tmp / "models"))
        save_run("cli", "a run with a rather long label, as students write them", 0.7)
        save_run("cli", "stopped early", 0.6, epochs=3, planned=60, optimizer="adam")
    process, url = start_server(tmp)
    yield url
    stop_server(process)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


# Running, stale, or a widget still drawn as a grey placeholder (its code loads lazily).
BUSY = (
    ", ".join(
        f'[data-testid="{name}"]'
        for name in ("stStatusWidget", "stSkeleton", "stSkeletonElement", "stAppSkeleton")
    )
    + ', [data-stale="true"]'
)


def settle(page, quiet_s: float = 1.5, timeout_s: float = 90) -> None:
    """Waits for the title, then until the page has been still (nothing running, stale or still
    loading) for `quiet_s`."""
    page.wait_for_selector("h1", timeout=timeout_s * 1000)
    busy = f"() => !!document.querySelector('{BUSY}')"
    deadline, quiet_since = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        if page.evaluate(busy):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
        time.sleep(0.25)
    pytest.fail(f"{page.url} was still running after {timeout_s} s")


def axe_problems(page) -> list[str]:
    """axe-core's failing violations on the page, one line per rule."""
    page.add_script_tag(path=str(AXE))
    problems = []
    for violation in page.evaluate(VIOLATIONS):
        nodes = violation["nodes"]
        if violation["id"] in ALLOWED:
            inside = ALLOWED[violation["id"]]
            nodes = [n for n in nodes if not page.evaluate(INSIDE, [n["target"], inside])]
        failing = violation["impact"] in FAILING_IMPACTS or violation["id"] in ALSO_FAILING
        if nodes and failing:
            where = "; ".join(n["html"] for n in nodes[:3])
            problems.append(
                f"axe {violation['impact']} {violation['id']} ({violation['help']}) on "
                f"{len(nodes)} element(s), e.g. {where}"
            )
    return problems


def layout_problems(page) -> list[str]:
    page.evaluate(OPEN_EXPANDERS)
    time.sleep(1)  # the tables inside draw their grids
    return page.evaluate(LAYOUT)


def check_pages(page, base: str, urls: dict[str, str], lang: str, query: str = "") -> list[str]:
    """Opens each page of `urls` in `lang`; axe-core's, the layout's and the document language's
    problems, one line each. Saves a screenshot of each page."""
    problems = []
    for key, url in urls.items():
        page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
        page.goto(f"{base}/{url}?lang={lang}{query}")
        settle(page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"a11y_{key}_{lang}.png"))
        found = axe_problems(page)
        document_lang = page.evaluate("() => document.documentElement.lang")
        if document_lang != lang:
            found.append(f'<html lang="{document_lang}">, not "{lang}"')
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            time.sleep(0.5)
            found += [f"{width}×{height}: {p}" for p in layout_problems(page)]
        problems += [f"{key} [{lang}]: {problem}" for problem in found]
    return problems


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_page_is_accessible_and_fits_a_projector(server, browser, lang):
    page = browser.new_page(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
    page.set_default_timeout(60_000)
    problems = check_pages(page, server, URLS, lang, f"&session={'ab' * 16}")
    # The language switch: <html lang> follows it without a reload.
    other = {"en": "es", "es": "en"}[lang]
    page.get_by_text({"en": "English", "es": "Español"}[other], exact=True).click()
    page.wait_for_function(f"() => document.documentElement.lang === '{other}'", timeout=30_000)
    page.close()
    assert not problems, "\n".join(problems)


def test_a_lecturers_pages_are_accessible_and_fit_a_projector(class_server, browser):  # noqa: F811
    """The Class page (lecturers only, on a class server) and every other page as a signed-in
    lecturer sees them, with two students' runs saved, in both languages."""
    url, _ = class_server
    page = _sign_in(browser, url, None)  # through the local OpenID Connect provider
    problems = []
    for lang in ("en", "es"):
        problems += check_pages(page, url, LECTURER_URLS, lang)
    page.context.close()
    assert not problems, "\n".join(problems)


# Records, from before a click (or from a document's start), every stretch in which the main area
# shows no text at all (a page switch clears it; the new page fills it), and whether the main area
# first showed (and how long it was empty before: a session's start).
WATCH_EMPTY = """() => {
  window.emptyStretches = []; window.emptySince = null;
  window.firstEmpty = null; window.firstText = null;  // before the main area first shows text
  const check = () => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return;  // Streamlit's own page is still loading (its skeleton shows)
    const shows = [...main.querySelectorAll('*')].some(
      el => el.offsetParent && el.children.length === 0 && el.textContent.trim());
    const now = performance.now();
    if (!shows && window.emptySince === null) window.emptySince = now;
    if (shows && window.emptySince !== null) {
      if (window.firstText === null) {
        window.firstEmpty = now - window.emptySince; window.firstText = main.innerText.trim();
      } else window.emptyStretches.push(now - window.emptySince);
      window.emptySince = null;
    }
  };
  setInterval(check, 20);
  const observe = () => new MutationObserver(check).observe(document.documentElement,
    {subtree: true, childList: true, attributes: true, characterData: true});
  // As an init script it runs before the document has its <html> element.
  if (document.documentElement) observe();
  else document.addEventListener('readystatechange', observe, {once: true});
}"""
DEEP_LINK = "train"  # opened first: its imports (TensorFlow's) are the slowest
FIRST_VISITS = ["data", "build", "compare"]  # then the other pages with slow first imports


def test_a_first_visit_shows_something_at_once(tmp_path, browser):
    """On a fresh server the main area is never empty for long: a page's first run, slow with
    its first imports, shows a running indicator until the page itself is drawn. The very first
    request is a deep link (Streamlit answers it from pages/ alone, then the app restarts
    through app.py), then the other pages are visited through the sidebar."""
    process, url = start_server(tmp_path)
    try:
        page = browser.new_page(viewport={"width": SIZES[0][0], "height": SIZES[0][1]})
        page.add_init_script(f"({WATCH_EMPTY})()")  # from the document's start
        page.goto(f"{url}/{URLS[DEEP_LINK]}?session={'cd' * 16}")
        settle(page)
        longest = {DEEP_LINK: max(page.evaluate("() => window.emptyStretches"), default=0)}
        first_empty, first_text = page.evaluate("() => [window.firstEmpty, window.firstText]")
        for key in FIRST_VISITS:
            page.evaluate("() => { window.emptyStretches = []; }")
            page.locator('[data-testid="stSidebarNav"] a').nth(list(URLS).index(key)).click()
            settle(page)
            longest[key] = max(page.evaluate("() => window.emptyStretches"), default=0)
        page.close()
    finally:
        stop_server(process)
    # The deep link's first run imports nothing heavy before it says so (it took 9 s before).
    assert first_text.startswith("Loading Train"), f"the main area first showed {first_text!r}"
    assert first_empty < 2000, f"the main area was empty {first_empty:.0f} ms before it started"
    assert all(ms < 700 for ms in longest.values()), f"longest empty main area (ms): {longest}"
