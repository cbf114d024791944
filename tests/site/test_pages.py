"""Every page of the built site, as a reader's browser sees it.

Each page is loaded once in headless chromium (at desktop width, then at phone width);
what the browser saw is kept in a report that the tests below check one aspect each.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlsplit

import pytest
from sitepages import AXE, docnames, open_page, settle

PAGES = docnames()
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PHONE = {"width": 390, "height": 844}

# Text that must never be visible in a page: signs of a failed cell or an unresolved glue.
BAD_TEXT = [
    "Traceback (most recent call last)",
    "<Figure size",
    "object at 0x",
    "{glue}",
    "{glue:",
    "Glue key",
]
_PROSE_TEXT = """() => {
  const root = document.querySelector("main") || document.body;
  const copy = root.cloneNode(true);
  copy.querySelectorAll("pre, code, .highlight").forEach((e) => e.remove());
  return copy.textContent;
}"""
# Output areas that only exist when a cell wrote to stderr or raised.
BAD_OUTPUT = ".cell_output .stderr, .cell_output .traceback, .cell_output .error, .output.stderr"

_IMAGES = """async () => {
  const images = [...document.images];
  images.forEach((img) => { img.loading = "eager"; });
  await Promise.all(images.map((img) => img.complete ? null :
    new Promise((done) => {
      img.addEventListener("load", done);
      img.addEventListener("error", done);
    })));
  return images.map((img) => ({
    src: img.currentSrc || img.src, width: img.naturalWidth, alt: img.getAttribute("alt"),
  }));
}"""

_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " : " + n.html.slice(0, 120)),
  }));
}"""

_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right > width + 1) {
      let clipped = false;  // inside a scrolling or clipping box: the reader scrolls that box
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (style.overflowX !== "visible" && p.getBoundingClientRect().right <= width + 1) {
          clipped = true; break;
        }
      }
      if (!clipped) wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "") +
        " right=" + Math.round(box.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}"""


def _visit(browser: Any, url: str, *, viewport: dict[str, int]) -> tuple[Any, Any, dict]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    seen: dict[str, list] = {"requests": [], "console": [], "errors": [], "failed": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on(
        "console",
        lambda m: m.type == "error" and seen["console"].append(f"{m.text} ({m.location})"),
    )
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("requestfailed", lambda r: seen["failed"].append(f"{r.url}: {r.failure}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and seen["failed"].append(f"{r.url}: HTTP {r.status}"),
    )
    response = open_page(page, url)
    seen["status"] = response.status if response else None
    return context, page, seen


@functools.cache
def report(browser: Any, base_url: str, doc: str) -> dict[str, Any]:
    """Load ``doc`` once at desktop width and once at phone width; return what was seen."""
    url = f"{base_url}/{doc}.html"
    context, page, seen = _visit(browser, url, viewport={"width": 1280, "height": 900})
    try:
        seen["images"] = page.evaluate(_IMAGES)
        page.wait_for_load_state("networkidle")
        # Visible prose and outputs, less code listings: the API reference and the
        # chapters may quote a traceback or a {glue} role in code, which is not a failure.
        seen["text"] = page.evaluate(_PROSE_TEXT)
        seen["bad_outputs"] = page.locator(BAD_OUTPUT).count()
        page.add_script_tag(path=str(AXE))
        seen["axe"] = page.evaluate(_AXE)
        # The same page in dark mode: contrast differs.
        page.evaluate("() => { localStorage.setItem('mode', 'dark'); }")
        page.reload(wait_until="networkidle")
        settle(page)
        # the theme applies the stored mode from a script: on a busy machine, after the load
        page.wait_for_function("document.documentElement.dataset.theme === 'dark'", timeout=15000)
        page.wait_for_timeout(300)  # the theme's colour transition
        page.add_script_tag(path=str(AXE))
        seen["axe"] += [dict(v, mode="dark") for v in page.evaluate(_AXE)]
    finally:
        context.close()
    context, page, phone = _visit(browser, url, viewport=PHONE)
    try:
        seen["requests"] += phone["requests"]
        seen["console"] += phone["console"]
        seen["errors"] += phone["errors"]
        seen["failed"] += phone["failed"]
        seen["overflow"] = page.evaluate(_OVERFLOW)
    finally:
        context.close()
    return seen


@pytest.fixture(params=PAGES)
def seen(request: pytest.FixtureRequest, browser: Any, base_url: str) -> dict[str, Any]:
    return report(browser, base_url, request.param)


def test_the_site_has_pages():
    assert "index" in PAGES
    assert len(PAGES) >= 2


def test_page_loads(seen):
    assert seen["status"] == 200
    assert seen["failed"] == []


def test_no_console_errors(seen):
    assert seen["console"] == []
    assert seen["errors"] == []


def test_no_third_party_requests(seen):
    outside = sorted(
        {
            url
            for url in seen["requests"]
            if urlsplit(url).scheme not in ("data", "blob")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        }
    )
    assert outside == [], "the page asked another host for something"


def test_every_image_loads_and_has_alt_text(seen):
    broken = [img["src"] for img in seen["images"] if img["width"] == 0]
    assert broken == [], "images that did not load"
    no_alt = [img["src"] for img in seen["images"] if not (img["alt"] or "").strip()]
    assert no_alt == [], "images without alternative text"


def test_no_error_output_or_unresolved_glue(seen):
    assert seen["bad_outputs"] == 0, "a cell's stderr, error or traceback is shown"
    found = [text for text in BAD_TEXT if text in seen["text"]]
    assert found == []


def test_no_serious_accessibility_violations(seen):
    serious = [v for v in seen["axe"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_nothing_overflows_at_phone_width(seen):
    overflow = seen["overflow"]
    assert overflow["scrollWidth"] <= overflow["width"], overflow["wide"]
