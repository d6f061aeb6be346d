"""What an analyst sees, in a real Chromium at 1280 and 1920 px, in English and
Vietnamese: nothing they need is cut, the chart keeps new nodes in view, the
Transit chain is drawn with its links. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.test_browser import (
    ARTIFACTS,
    WAIT_MS,
    Watch,
    _click,
    _graph_ids,
    _idle,
    _nav,
    _search,
    _wait_node,
    serve,
)

pytestmark = pytest.mark.browser

VIET_TRAN = "Company:0312345678"
CIGARS = "Seizure:SZ-2017-0319-HAN"

# Elements whose content is cut or scrolls sideways (wider than the box that shows
# it), as "tag: text"; and anything that reaches past the window's right edge.
CLIPPED_JS = """(sel) => {
  const out = [];
  const right = document.documentElement.clientWidth;
  for (const root of document.querySelectorAll(sel)) {
    for (const el of [root, ...root.querySelectorAll('*')]) {
      if (!el.textContent.trim() || el.closest('canvas')) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none') continue;
      const what = el.tagName + ': ' + el.textContent.trim().slice(0, 60);
      if (el.scrollWidth > el.clientWidth + 1 && cs.overflowX !== 'visible') out.push(what);
      else if (el.getBoundingClientRect().right > right + 1) out.push('past the edge ' + what);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def layout_app(sample_lbug_url, tmp_path_factory):
    duty = tmp_path_factory.mktemp("dutylog") / "dutylog.sqlite3"
    with serve(sample_lbug_url, ARTIFACTS / "streamlit-layout.log", duty) as url:
        yield url


def _language(page, lang: str) -> None:
    if lang == "vi":
        page.locator(".st-key-lang").first.click()
        page.get_by_role("option", name="Tiếng Việt").click()
        _idle(page)


def _open(page, text: str, ref: str) -> None:
    _search(page, "explore", text)
    _click(page, "explore_open")
    _wait_node(page, "explore_graph", ref)


def _clipped(page, selector: str) -> list[str]:
    return page.evaluate(CLIPPED_JS, selector)


def _outside_view(page, key: str) -> list[str]:
    """Nodes drawn outside the chart's frame, once the view has settled (the chart
    fits the view again while the layout settles, for a few seconds)."""
    page.wait_for_function("(k) => globalThis.__customsGraph[k].laidOut", arg=key,
                           timeout=WAIT_MS)
    outside: list[str] = []
    for _ in range(8):
        page.wait_for_timeout(1000)
        outside = _outside_now(page, key)
        if not outside:
            break
    return outside


def _outside_now(page, key: str) -> list[str]:
    return page.evaluate("""(k) => {
        const g = globalThis.__customsGraph[k];
        const r = g.network.body.container.getBoundingClientRect();
        const out = [];
        for (const [id, p] of Object.entries(g.network.getPositions())) {
          const d = g.network.canvasToDOM(p);
          if (d.x < 0 || d.y < 0 || d.x > r.width || d.y > r.height) out.push(id);
        }
        return out;
    }""", key)


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("width", [1280, 1920])
def test_nothing_cut_and_new_nodes_in_view(browser, layout_app, lang, width):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    watch = Watch(page)
    page.goto(layout_app + "/explore")
    page.locator(".st-key-explore_q input").first.wait_for(timeout=WAIT_MS)
    _language(page, lang)

    _open(page, "0312345678", VIET_TRAN)
    panel = '[data-testid="stColumn"]:has(.st-key-explore_sel)'
    text = page.locator(panel).inner_text()
    assert "Công ty TNHH TM DV XNK Du lịch Việt Trấn" in " ".join(text.split())
    assert not _clipped(page, panel), _clipped(page, panel)
    # Buttons say their whole label (the history row too).
    buttons = '[class*="st-key-explore_"] button'
    assert not _clipped(page, buttons), _clipped(page, buttons)

    # Expanding the director brings new nodes, and the view takes them in.
    before = set(_graph_ids(page, "explore_graph"))
    page.locator(".st-key-explore_sel").first.click()
    page.get_by_role("option").filter(has_text="P001201").first.click()
    _idle(page)
    _click(page, "explore_expand")
    page.wait_for_function("([k, n]) => globalThis.__customsGraph[k].nodes.length > n",
                           arg=["explore_graph", len(before)], timeout=WAIT_MS)
    assert not _outside_view(page, "explore_graph")
    page.screenshot(path=str(ARTIFACTS / f"layout-viet-tran-{lang}-{width}.png"))

    _open(page, "SZ-2017-0319-HAN", CIGARS)
    text = " ".join(page.locator(panel).inner_text().split())
    assert "Sân bay quốc tế Nội Bài, Hà Nội" in text  # the location, whole
    assert "16996" in text or "16,996" in text
    assert not _clipped(page, panel), _clipped(page, panel)
    page.screenshot(path=str(ARTIFACTS / f"layout-cigar-seizure-{lang}-{width}.png"))
    assert not watch.outside(), watch.outside()
    page.close()


def test_transit_chain_is_drawn_with_its_links(browser, layout_app):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(layout_app)
    _idle(page)
    _nav(page, "Saved queries")
    page.get_by_text("Transit chain from a container", exact=True).first.click()
    _idle(page)
    page.get_by_role("button", name="Run").first.click()
    _idle(page)
    key = "sq_res_transit_chain_graph"
    _wait_node(page, key, "Person:P001201")
    edges = page.evaluate("(k) => globalThis.__customsGraph[k].edges.get()", key)
    links = {(e["from"], e["to"]) for e in edges}
    assert ("Person:P001201", VIET_TRAN) in links and ("Person:P001202", VIET_TRAN) in links
    assert any(e["to"] == "Container:WHSU5018375" for e in edges)
    page.screenshot(path=str(ARTIFACTS / "layout-transit-chain.png"))
    page.close()
