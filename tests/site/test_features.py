"""The site's interactive features, driven as a reader would: search, dark mode, downloads."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sitepages import SITE, docnames, notebook_pages, open_page

CHAPTERS = [d for d in notebook_pages() if not d.startswith("about/") and d != "index"]


def _title_word(doc: str) -> str:
    """The longest word of a chapter's title, from the built page (e.g. 'learning')."""
    html = (SITE / f"{doc}.html").read_text(encoding="utf-8")
    title = re.search(r"<h1>(.*?)<", html, re.DOTALL)
    assert title, f"{doc}.html has no <h1>"
    words = re.findall(r"[A-Za-z]{4,}", title.group(1))
    return max(words, key=len).lower()


def test_there_is_a_chapter():
    assert CHAPTERS, "no executed chapter in the built site"


@pytest.mark.parametrize("doc", CHAPTERS[:1])
def test_search_box_finds_a_chapter(context: Any, base_url: str, doc: str):
    word = _title_word(doc)
    page = context.new_page()
    open_page(page, f"{base_url}/index.html")
    # The theme's search button opens a dialog with the search field; typing and Enter
    # goes to search.html, whose script lists the matching pages.
    page.locator("button.search-button__button >> visible=true").first.click()
    field = page.locator("input[name='q']:visible").first
    field.fill(word)
    field.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q="))
    results = page.locator("#search-results li a")
    results.first.wait_for(timeout=20_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(h and h.split("#")[0].endswith(f"{doc}.html") for h in hrefs), (word, hrefs)
    # ...and the link takes the reader there.
    link = next(
        results.nth(i)
        for i in range(results.count())
        if results.nth(i).get_attribute("href").split("#")[0].endswith(f"{doc}.html")
    )
    link.click()
    page.wait_for_url(re.compile(re.escape(doc) + r"\.html"))
    assert page.locator("main h1:visible").count() == 1


# Whatever opens the search dialog, or is a search field itself.
SEARCH_CONTROLS = "button.search-button__button, input[type='search'], input[name='q']"


@pytest.mark.parametrize("doc", ["index", *CHAPTERS[:1]])
def test_one_search_control_at_desktop_width(context: Any, base_url: str, doc: str):
    page = context.new_page()  # 1280 px wide
    open_page(page, f"{base_url}/{doc}.html")
    visible = page.locator(f"{SEARCH_CONTROLS} >> visible=true")
    assert visible.count() == 1, [visible.nth(i).evaluate("(e) => e.outerHTML.slice(0, 120)")
                                  for i in range(visible.count())]  # fmt: skip


@pytest.mark.parametrize("doc", CHAPTERS[:1])
def test_search_works_at_phone_width(browser: Any, base_url: str, doc: str):
    word = _title_word(doc)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        open_page(page, f"{base_url}/{doc}.html")
        buttons = page.locator("button.search-button__button >> visible=true")
        assert buttons.count() == 1
        buttons.first.click()
        field = page.locator("input[name='q']:visible").first
        field.fill(word)
        field.press("Enter")
        page.wait_for_url(re.compile(r"search\.html\?q="))
        results = page.locator("#search-results li a")
        results.first.wait_for(timeout=20_000)
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert any(h and h.split("#")[0].endswith(f"{doc}.html") for h in hrefs), (word, hrefs)
    finally:
        context.close()


def _background_luminance(page: Any) -> float:
    rgb = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(c) for c in re.findall(r"\d+", rgb)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def test_dark_mode_switch(context: Any, base_url: str):
    page = context.new_page()
    open_page(page, f"{base_url}/index.html")
    html = page.locator("html")
    assert html.get_attribute("data-theme") == "light"  # the browser prefers light
    assert _background_luminance(page) > 0.8
    # The switch opens a menu: system settings, light, dark.
    page.locator("button.theme-switch-button:visible").first.click()
    page.locator("button.theme-change-button[data-mode='dark']:visible").first.click()
    assert html.get_attribute("data-theme") == "dark"
    page.wait_for_timeout(500)  # the theme's colour transition
    assert _background_luminance(page) < 0.2
    # The choice is remembered on the next page.
    open_page(page, f"{base_url}/{docnames()[-1]}.html")
    assert html.get_attribute("data-theme") == "dark"


@pytest.mark.parametrize("doc", notebook_pages())
def test_notebook_download_is_a_valid_notebook_with_outputs(context: Any, base_url: str, doc: str):
    import nbformat

    page = context.new_page()
    open_page(page, f"{base_url}/{doc}.html")
    links = page.locator("a[href$='.ipynb']")
    assert links.count() >= 1, "no .ipynb download link"
    href = links.first.get_attribute("href")
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
    assert response.status == 200
    notebook = nbformat.reads(json.dumps(response.json()), as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code, "the notebook has no code cells"
    assert any(c.outputs for c in code), "the downloaded notebook has no outputs"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_mathjax_is_served_by_the_site(context: Any, base_url: str):
    """The site's own MathJax typesets a formula, fonts included, asking no other host."""
    requests: list[str] = []
    failed: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url}: {r.status}"))
    open_page(page, f"{base_url}/index.html")
    # What Sphinx adds to a page with math, done by hand (no page need have math yet).
    page.evaluate(
        r"""() => new Promise((done, fail) => {
          const p = document.createElement("span");
          p.id = "formula";
          p.textContent = "\\(\\hat{y} = \\sigma(Wx + b)\\)";
          document.body.appendChild(p);  // outside the sections MyST marks mathjax_ignore
          window.MathJax = {startup: {pageReady: () =>
            MathJax.startup.defaultPageReady().then(() => done(true))}};
          const script = document.createElement("script");
          script.src = "_static/mathjax/tex-mml-chtml.js";
          script.onerror = () => fail(new Error("MathJax did not load"));
          document.head.appendChild(script);
        })"""
    )
    page.wait_for_load_state("networkidle")
    assert page.locator("#formula mjx-container").count() == 1
    assert any("/_static/mathjax/" in url for url in requests)
    assert [u for u in requests if not u.startswith(base_url)] == []
    assert failed == []
