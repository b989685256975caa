"""The story page in a real browser, as a reader meets it.

The markup contract these tests hold the generator to:

* each article: ``<article class="article" id="article-<id>" data-article="<id>">``
  with a visible ``.badge`` naming its source;
* each highlight piece: ``<mark class="hl hl-<kind>" data-highlight="<hid>"
  data-kind="<kind>" data-speaker="<speaker>" aria-describedby="note-<hid>">``
  (a highlight split across paragraphs or by an overlapping one has several
  pieces sharing one data-highlight), followed after its last piece by
  ``<sup class="hl-ref"><a id="ref-<hid>" href="#note-<hid>">N</a></sup>``;
* each note: ``<li class="note" id="note-<hid>" data-kind=...>`` inside
  ``<aside class="notes">``, with the kind, the speaker, the note text and a
  back link ``<a href="#ref-<hid>">``;
* each comparison: ``<figure class="comparison">`` with a ``<figcaption>`` and a
  ``<div class="passages">`` holding one ``<blockquote class="passage"
  data-article="<id>">`` per article.

Every story in content/stories/ is tested (the example site has one).
"""

from __future__ import annotations

import itertools
import re
import time
import unicodedata
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from tests.support.browser import DESKTOP, IN_CI, PHONE, OpenPage, PageLogs
from tests.support.subpath_server import SubpathServer

try:
    from playwright.sync_api import FloatRect, Locator, Page, expect
except ImportError:  # pragma: no cover - only without the [test] extra
    if IN_CI:
        raise
    pytest.skip("playwright is not installed: pip install -e '.[test]'", allow_module_level=True)

KINDS = {"quote", "claim", "context", "disputed", "correction"}

# Quote folding from FORMAT.md ("How a quote is found in a seed"): NFC, white
# space, quotation marks and dashes.  For comparing a highlight's text on the
# page with the quote in the YAML we drop white space entirely, since a quote
# running across paragraphs has none between its pieces on the page.
_FOLD = str.maketrans(
    {**{c: '"' for c in "\"“”„‟«»‹›'‘’‚‛"}, **{c: "-" for c in "-‐‑‒–—―−"}}  # noqa: RUF001
)


def fold_key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_FOLD)
    return "".join(ch for ch in text if not ch.isspace())


def squash(text: str) -> str:
    """Collapse white space, for 'does the page show this text' checks."""
    return " ".join(text.split())


def by_id(page: Page, element_id: str) -> Locator:
    escaped = element_id.replace("\\", "\\\\").replace('"', '\\"')
    return page.locator(f'[id="{escaped}"]')


def wait_for_fragment(page: Page, fragment: str, timeout: float = 5.0) -> None:
    """Wait until the page URL's #fragment is ``fragment``."""
    deadline = time.monotonic() + timeout
    while True:
        current = unquote(urlsplit(page.url).fragment)
        if current == fragment:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"URL hash is #{current}, expected #{fragment} (url {page.url})")
        page.wait_for_timeout(25)


def press_enter_on(page: Page, link: Locator) -> None:
    """Follow a link the way a keyboard user does: focus it, press Enter."""
    expect(link, "a reader cannot see this link").to_be_visible()
    link.focus()
    expect(link, "this link cannot take the keyboard focus").to_be_focused()
    page.keyboard.press("Enter")


# Everything about the highlights, read from the DOM in one go.
READ_MARKS_JS = """
() => [...document.querySelectorAll('mark')].map((m) => ({
  hid: m.getAttribute('data-highlight'),
  kind: m.getAttribute('data-kind'),
  speaker: m.getAttribute('data-speaker'),
  describedby: m.getAttribute('aria-describedby'),
  classes: [...m.classList],
  text: (() => {  // the mark's own text, without the ref numbers of nested highlights
    const copy = m.cloneNode(true);
    copy.querySelectorAll('.hl-ref').forEach((r) => r.remove());
    return copy.textContent;
  })(),
  article: m.closest('article.article')?.getAttribute('data-article') ?? null,
}))
"""


def read_highlights(page: Page) -> dict[str, list[dict[str, Any]]]:
    """hid -> its mark pieces (in document order)."""
    pieces: dict[str, list[dict[str, Any]]] = {}
    for mark in page.evaluate(READ_MARKS_JS):
        pieces.setdefault(mark["hid"] or "", []).append(mark)
    return pieces


def passage_quote(value: Any) -> str:
    return str(value["quote"] if isinstance(value, dict) else value)


# ---------------------------------------------------------------------------
# the page carries the story: articles, highlights, notes, comparisons
# ---------------------------------------------------------------------------


def test_articles_name_their_source_in_a_visible_badge(
    open_page: OpenPage, story_path: str, story: dict[str, Any], sources: dict[str, Any]
) -> None:
    page = open_page(story_path)
    articles = page.locator("article.article")
    expected_ids = [str(a["id"]) for a in story["articles"]]
    assert articles.evaluate_all("els => els.map(e => e.getAttribute('data-article'))") == (
        expected_ids
    ), "one <article class=article data-article=ID> per article of the story, in order"
    for spec in story["articles"]:
        article_id = str(spec["id"])
        article = by_id(page, f"article-{article_id}")
        expect(article).to_have_count(1)
        expect(article).to_have_attribute("data-article", article_id)
        name = squash(str(sources[spec["source"]]["name"]))
        badges = article.locator(".badge").filter(has_text=name)
        assert badges.count() >= 1, (
            f"article {article_id}: no .badge with the source name {name!r}; badges: "
            f"{article.locator('.badge').all_inner_texts()}"
        )
        expect(badges.first).to_be_visible()


def test_highlights_mark_the_quoted_text(
    open_page: OpenPage, story_path: str, story: dict[str, Any]
) -> None:
    page = open_page(story_path)
    highlights = read_highlights(page)
    assert "" not in highlights, "a <mark> without data-highlight"
    assert len(highlights) == len(story.get("highlights") or []), (
        f"{len(highlights)} highlights on the page ({sorted(highlights)}), "
        f"{len(story.get('highlights') or [])} in the story"
    )
    for hid, pieces in highlights.items():
        for piece in pieces:
            kind = piece["kind"]
            assert kind in KINDS, f"highlight {hid}: data-kind={kind!r}"
            assert {"hl", f"hl-{kind}"} <= set(piece["classes"]), (
                f"highlight {hid}: class={piece['classes']}, expected 'hl hl-{kind}'"
            )
            assert piece["describedby"] == f"note-{hid}", (
                f"highlight {hid}: aria-describedby={piece['describedby']!r}"
            )
            assert piece["article"] is not None, f"highlight {hid}: a piece outside any article"
        assert len({(p["kind"], p["speaker"], p["article"]) for p in pieces}) == 1, (
            f"highlight {hid}: its pieces disagree on kind, speaker or article: {pieces}"
        )

    # The text under each highlight is the quote the editor wrote (folded).
    on_page = sorted(
        (p[0]["article"], p[0]["kind"], fold_key("".join(x["text"] for x in p)))
        for p in highlights.values()
    )
    in_yaml = sorted(
        (str(h["article"]), str(h.get("kind") or "quote"), fold_key(str(h["quote"])))
        for h in story.get("highlights") or []
    )
    assert on_page == in_yaml, "highlighted text differs from the story's quotes"


# The text a link shows: its own text plus CSS generated content.  (Counters
# cannot be read back from the computed style; they count as a number.)
SHOWN_TEXT_JS = """
(el) => {
  const generated = (pseudo) => {
    const content = getComputedStyle(el, pseudo).content;
    if (!content || content === 'none' || content === 'normal') return '';
    const visible = content.split(/\\s+\\/\\s+(?=")/)[0];  // drop alt text: "x" / "alt"
    let out = '';
    for (const m of visible.matchAll(/"((?:[^"\\\\]|\\\\.)*)"|counters?\\(/g)) {
      out += m[1] !== undefined ? m[1] : '0';
    }
    return out;
  };
  const box = el.getBoundingClientRect();
  return {
    text: generated('::before') + el.innerText + generated('::after'),
    width: box.width,
    height: box.height,
  };
}
"""


def test_each_highlight_has_one_numbered_ref_after_its_last_piece(
    open_page: OpenPage, story_path: str
) -> None:
    page = open_page(story_path)
    highlights = read_highlights(page)
    assert highlights, "no highlights on the page"
    for hid in highlights:
        ref = by_id(page, f"ref-{hid}")
        expect(ref).to_have_count(1)
        expect(ref).to_have_attribute("href", f"#note-{hid}")
        # The reader sees a number, as text or drawn by CSS (::before/::after);
        # words for screen readers may come before it.
        shown = ref.evaluate(SHOWN_TEXT_JS)
        assert re.search(r"(?:^|\W)\d+\W{0,2}$", shown["text"].strip()), (
            f"ref-{hid} shows {shown['text']!r}, expected a number"
        )
        assert shown["width"] >= 4 and shown["height"] >= 4, (
            f"ref-{hid} is too small to see or click: {shown}"
        )
        placement = ref.evaluate(
            """(a, hid) => {
                const pieces = [...document.querySelectorAll('mark')]
                    .filter((m) => m.getAttribute('data-highlight') === hid);
                const last = pieces[pieces.length - 1];
                return {
                    inSup: !!a.closest('sup.hl-ref'),
                    insideMark: !!a.closest('mark'),
                    afterLast: !last.contains(a)
                        && !!(last.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING),
                };
            }""",
            hid,
        )
        assert placement["inSup"], f"ref-{hid} is not inside <sup class=hl-ref>"
        assert placement["afterLast"], f"ref-{hid} does not come after the last piece of {hid}"


def test_notes_describe_their_highlight(
    open_page: OpenPage, story_path: str, sources: dict[str, Any]
) -> None:
    page = open_page(story_path)
    highlights = read_highlights(page)
    notes = page.locator("aside.notes li.note")
    expect(notes).to_have_count(len(highlights))
    for hid, pieces in highlights.items():
        note = by_id(page, f"note-{hid}")
        expect(note).to_have_count(1)
        assert note.evaluate("el => el.matches('aside.notes li.note')"), (
            f"#note-{hid} is not an <li class=note> inside <aside class=notes>"
        )
        kind, speaker = pieces[0]["kind"], pieces[0]["speaker"]
        expect(note).to_have_attribute("data-kind", kind)
        text = squash(note.text_content() or "").lower()
        assert kind in text, f"note-{hid} does not name its kind {kind!r}: {text!r}"
        if speaker:
            names = {speaker}
            if speaker in sources:
                names.add(str(sources[speaker]["name"]))
            assert any(squash(n).lower() in text for n in names), (
                f"note-{hid} does not name its speaker {names}: {text!r}"
            )
        expect(note.locator(f'a[href="#ref-{hid}"]')).to_have_count(1)


def test_comparisons_hold_one_passage_per_article(
    open_page: OpenPage, story_path: str, story: dict[str, Any]
) -> None:
    page = open_page(story_path)
    comparisons = page.locator("figure.comparison")
    expected = story.get("comparisons") or []
    expect(comparisons).to_have_count(len(expected))
    for index, spec in enumerate(expected):
        figure = comparisons.nth(index)
        caption = figure.locator("figcaption")
        expect(caption).to_have_count(1)
        expect(caption).to_contain_text(squash(str(spec["title"])))
        passages = figure.locator(".passages blockquote.passage")
        ids = passages.evaluate_all("els => els.map(e => e.getAttribute('data-article'))")
        assert sorted(ids) == sorted(str(k) for k in spec["passages"]), (
            f"comparison {spec['title']!r}: passages for {ids}, expected {list(spec['passages'])}"
        )
        for article_id, value in spec["passages"].items():
            shown = passages.and_(page.locator(f'[data-article="{article_id}"]'))
            quote = fold_key(passage_quote(value))
            assert quote in fold_key(shown.text_content() or ""), (
                f"comparison {spec['title']!r}: the {article_id} passage does not show {value!r}"
            )


# ---------------------------------------------------------------------------
# (a) highlights can be seen
# ---------------------------------------------------------------------------

MARK_COLOURS_JS = """
(marks) => {
  const transparent = (c) => c === 'transparent' || /^rgba\\(.*,\\s*0\\)$/.test(c);
  const backdrop = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (!transparent(c)) return c;
    }
    return 'rgb(255, 255, 255)';  // the canvas
  };
  return marks.map((m) => {
    const style = getComputedStyle(m);
    return {
      hid: m.getAttribute('data-highlight'),
      text: m.textContent.slice(0, 40),
      mark: style.backgroundColor,
      color: style.color,
      article: backdrop(m.closest('article') || document.body),
    };
  });
}
"""


def test_every_mark_is_visible_and_stands_out_from_its_article(
    open_page: OpenPage, story_path: str
) -> None:
    page = open_page(story_path, viewport=DESKTOP)
    marks = page.locator("mark.hl")
    assert marks.count() > 0, "no <mark class=hl> on the page"
    for mark in marks.all():
        expect(mark).to_be_visible()
        box = mark.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, (
            f"mark {mark.get_attribute('data-highlight')} has an empty box: {box}"
        )
    for c in marks.evaluate_all(MARK_COLOURS_JS):
        assert c["mark"] != c["article"] and not re.fullmatch(
            r"transparent|rgba\(.*,\s*0\)", c["mark"]
        ), (
            f"mark {c['hid']} ({c['text']!r}) has background {c['mark']}, "
            f"the same as its article's {c['article']}"
        )
        assert c["color"] != c["mark"], f"mark {c['hid']}: text colour equals its background"


# ---------------------------------------------------------------------------
# (b) note links work from the keyboard, both ways
# ---------------------------------------------------------------------------


def follow_ref_to_note_and_back(page: Page, hid: str) -> None:
    ref = by_id(page, f"ref-{hid}")
    note = by_id(page, f"note-{hid}")
    expect(ref).to_have_count(1)
    expect(note).to_have_count(1)

    press_enter_on(page, ref)
    wait_for_fragment(page, f"note-{hid}")
    expect(note, f"#note-{hid} is not in view after following #ref-{hid}").to_be_in_viewport()

    back = note.locator(f'a[href="#ref-{hid}"]')
    expect(back, f"#note-{hid} has no back link to #ref-{hid}").to_have_count(1)
    press_enter_on(page, back)
    wait_for_fragment(page, f"ref-{hid}")
    expect(ref, f"#ref-{hid} is not in view after following the back link").to_be_in_viewport()


def test_note_links_work_from_the_keyboard(open_page: OpenPage, story_path: str) -> None:
    page = open_page(story_path, viewport=DESKTOP)
    marks = page.locator("mark.hl")
    assert marks.count() > 0, "no <mark class=hl> on the page"
    described = marks.evaluate_all("ms => ms.map(m => m.getAttribute('aria-describedby'))")
    for described_by in set(described):
        assert described_by, "a mark without aria-describedby"
        expect(by_id(page, described_by)).to_have_count(1)
    for hid in read_highlights(page):
        follow_ref_to_note_and_back(page, hid)


# ---------------------------------------------------------------------------
# (c) comparisons: side by side on a desktop, stacked on a phone
# ---------------------------------------------------------------------------


def passage_boxes(figure: Locator) -> list[FloatRect]:
    boxes = []
    for passage in figure.locator(".passages blockquote.passage").all():
        expect(passage).to_be_visible()
        box = passage.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, f"passage with empty box {box}"
        boxes.append(box)
    assert len(boxes) >= 2, f"a comparison with {len(boxes)} passage(s)"
    return boxes


def test_comparison_passages_stand_side_by_side_on_desktop(
    open_page: OpenPage, story_path: str, story: dict[str, Any]
) -> None:
    page = open_page(story_path, viewport=DESKTOP)
    figures = page.locator("figure.comparison")
    expect(figures).to_have_count(len(story.get("comparisons") or []))
    for figure in figures.all():
        boxes = passage_boxes(figure)
        for prev, box in itertools.pairwise(boxes):
            assert abs(box["y"] - boxes[0]["y"]) <= 4, f"passages not on one row: {boxes}"
            assert box["x"] != prev["x"], f"passages share a left edge: {boxes}"
            assert box["x"] >= prev["x"] + prev["width"] - 1, f"passages overlap: {boxes}"


def test_comparison_passages_stack_on_a_phone(
    open_page: OpenPage, story_path: str, story: dict[str, Any]
) -> None:
    page = open_page(story_path, viewport=PHONE)
    figures = page.locator("figure.comparison")
    expect(figures).to_have_count(len(story.get("comparisons") or []))
    for figure in figures.all():
        boxes = passage_boxes(figure)
        for prev, box in itertools.pairwise(boxes):
            assert box["y"] >= prev["y"] + prev["height"] - 1, (
                f"at {PHONE['width']}px a passage is not below the previous one: {boxes}"
            )
        for box in boxes:
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, (
                f"a passage sticks out of the {PHONE['width']}px viewport: {box}"
            )
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= PHONE["width"], (
        f"the page scrolls sideways on a phone: scrollWidth {scroll_width} > {PHONE['width']}"
    )


# ---------------------------------------------------------------------------
# (d) a clean load: no errors, every request served under the subpath
# ---------------------------------------------------------------------------


def test_page_loads_cleanly_under_the_subpath(
    open_page: OpenPage, page_logs: PageLogs, story_path: str, site_server: SubpathServer
) -> None:
    page = open_page(story_path, viewport=DESKTOP)
    page.wait_for_load_state("networkidle")
    # Readers hover highlights and click note links; scripts must not throw then either.
    hids = list(read_highlights(page))
    for mark in page.locator("mark.hl").all():
        mark.hover()
    for hid in {hids[0], hids[-1]} if hids else set():
        by_id(page, f"ref-{hid}").click()
        wait_for_fragment(page, f"note-{hid}")
    page.wait_for_load_state("networkidle")

    log = page_logs[page]
    assert log.requests, "the page made no requests at all?"
    outside = [
        r
        for r in log.requests
        if r.split(" ", 1)[1].startswith(("http:", "https:"))
        and not r.split(" ", 1)[1].startswith(site_server.url)
    ]
    assert not outside, f"requests outside the site's {site_server.prefix} path: {outside}"
    assert not log.problems, "\n".join(log.problems)


def test_links_on_the_page_resolve_under_the_subpath(
    open_page: OpenPage, story_path: str, site_server: SubpathServer, base_url: str
) -> None:
    """Every link and asset URL of the page leads to a page of the site.

    Links to the production base_url (canonical, feed) are checked against the
    same path on the local server; links to other sites are not followed.
    """
    page = open_page(story_path, viewport=DESKTOP)
    urls = page.evaluate(
        """() => [...document.querySelectorAll('a[href], link[href], script[src], img[src]')]
                 .map((e) => e.href || e.src)"""
    )
    here = urldefrag(page.url).url
    broken: list[str] = []
    checked: dict[str, str] = {}
    for url in sorted(set(urls)):
        if url.startswith(base_url):
            local = site_server.url + url[len(base_url) :]
        elif url.startswith(site_server.origin + "/"):
            local = url
        else:
            continue  # another site (an article's original, an outlet's home page)
        target, fragment = urldefrag(local)
        if target == here:
            if fragment and by_id(page, unquote(fragment)).count() != 1:
                broken.append(f"{url}: no element with id {fragment!r} on this page")
            continue
        if target not in checked:
            response = page.request.get(target, max_redirects=5)
            checked[target] = response.text() if response.status == 200 else ""
            if response.status != 200:
                broken.append(f"{url}: HTTP {response.status} at {target}")
                continue
        if fragment and checked[target] and f'id="{fragment}"' not in checked[target]:
            broken.append(f"{url}: {target} has no element with id {fragment!r}")
    assert checked or any(u.startswith(site_server.url) for u in urls), "no internal links?"
    assert not broken, "\n".join(broken)


# ---------------------------------------------------------------------------
# (e) the page works without JavaScript
# ---------------------------------------------------------------------------


def test_page_works_without_javascript(
    open_page: OpenPage, story_path: str, story: dict[str, Any]
) -> None:
    page = open_page(story_path, viewport=DESKTOP, javascript=False)
    highlights = read_highlights(page)
    assert len(highlights) == len(story.get("highlights") or []), (
        f"without JavaScript the page has {len(highlights)} highlights, "
        f"the story {len(story.get('highlights') or [])}"
    )
    for mark in page.locator("mark.hl").all():
        expect(mark).to_be_visible()
    expect(page.locator("aside.notes li.note")).to_have_count(len(highlights))
    for hid in highlights:
        expect(by_id(page, f"note-{hid}")).to_have_count(1)
        follow_ref_to_note_and_back(page, hid)
