"""Jupyter display (``_repr_html_``), bounded reprs and ``inspect_update``."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest

import crdtcore
from crdtcore import (
    Array,
    DecodeError,
    Doc,
    Map,
    Text,
    UndoManager,
    UpdateSummary,
    _display,
    get_update,
    inspect_update,
    merge_updates,
)

VOID = {"br", "hr", "img", "meta", "input", "wbr"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(markup: str) -> _Checker:
    """Parses ``markup`` and asserts that every tag is closed in order."""
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    return checker


def visible(markup: str) -> str:
    return "".join(parse(markup).text)


def count(markup: str, tag: str) -> int:
    return sum(1 for t, _ in parse(markup).tags if t == tag)


# -- well-formed HTML and escaping ---------------------------------------------------------


def sample_doc() -> Doc:
    doc = Doc(
        {
            "text": Text("hello world\nsecond line"),
            "list": Array([1, "two", Map({"k": Array([3])}), Text("nested")]),
            "map": Map({"a": 1, "b": Map({"c": [1, 2]})}),
        },
        client_id=11,
    )
    doc["text"].format(0, 5, {"bold": True})
    return doc


@pytest.mark.parametrize("root", ["text", "list", "map"])
def test_types_render_balanced_html(root):
    doc = sample_doc()
    markup = doc[root]._repr_html_()
    parse(markup)
    assert markup.startswith(f'<div class="crdtcore-{type(doc[root]).__name__.lower()}"')


def test_doc_html_lists_roots_with_type_and_size():
    doc = sample_doc()
    markup = doc._repr_html_()
    rows = re.findall(r"<tr><td><b>(.*?)</b></td><td>(.*?)</td><td>(.*?)</td></tr>", markup)
    assert rows == [
        ("list", "Array", "4 items"),
        ("map", "Map", "2 keys"),
        ("text", "Text", "23 chars"),
    ]
    text = visible(markup)
    assert "client_id=11" in text
    assert "offset_kind=code_point" in text
    assert "3 roots" in text


def test_doc_html_shows_untyped_roots_without_typing_them():
    remote = Doc()
    remote.apply_update(Doc({"r": Array([1])}).get_update())
    markup = remote._repr_html_()
    assert re.search(r"<td><b>r</b></td><td>untyped</td><td>\?</td>", markup)
    # Displaying did not type the root: it can still be read as any type.
    assert remote.get("r", type=Array).to_py() == [1]


def test_script_in_content_is_escaped():
    evil = "<script>alert(1)</script>"
    doc = Doc({evil: Text(evil), "a": Array([evil]), "m": Map({evil: evil})})
    doc[evil].format(0, 3, {"title": evil})
    for markup in (
        doc._repr_html_(),
        doc[evil]._repr_html_(),
        doc["a"]._repr_html_(),
        doc["m"]._repr_html_(),
    ):
        assert "<script" not in markup
        assert "&lt;script&gt;" in markup
        assert all(tag != "script" for tag, _ in parse(markup).tags)


def test_unsafe_link_and_css_are_not_rendered():
    doc = Doc({"t": Text("abcdef")})
    doc["t"].format(0, 3, {"link": "javascript:alert(1)"})
    doc["t"].format(3, 6, {"color": "red;background:url(x)"})
    markup = doc["t"]._repr_html_()
    tags = parse(markup).tags
    assert not [t for t, _ in tags if t == "a"]
    assert "url(x)" not in " ".join(str(a.get("style")) for _, a in tags)
    # The attributes are still shown, as a tooltip.
    titles = [a["title"] for _, a in tags if "title" in a]
    assert any("javascript:alert(1)" in title for title in titles)


# -- Text ------------------------------------------------------------------------------


def test_text_formatting_maps_to_html():
    doc = Doc({"t": Text("B I U S L C X plain")})
    t = doc["t"]
    t.format(0, 1, {"bold": True})
    t.format(2, 3, {"italic": True})
    t.format(4, 5, {"underline": True})
    t.format(6, 7, {"strike": True})
    t.format(8, 9, {"link": "https://example.com/?a=1&b=2"})
    t.format(10, 11, {"color": "#ff0000"})
    t.format(12, 13, {"font": "serif"})
    markup = t._repr_html_()
    assert "<b>B</b>" in markup
    assert "<i>I</i>" in markup
    assert "<u>U</u>" in markup
    assert "<s>S</s>" in markup
    tags = parse(markup).tags
    links = [a for t_, a in tags if t_ == "a"]
    assert [a["href"] for a in links] == ["https://example.com/?a=1&b=2"]
    assert any(a.get("style") == "color:#ff0000" for _, a in tags)
    assert any(a.get("title") == "font: 'serif'" for _, a in tags)
    assert "B I U S L C X plain" in visible(markup)


def test_text_embeds_and_nested_types_are_chips():
    doc = Doc({"t": Text("ab")})
    doc["t"].insert_embed(1, {"image": "cat.png"})
    markup = doc["t"]._repr_html_()
    text = visible(markup)
    assert "a" in text and "embed {'image': 'cat.png'}" in text


def test_text_truncated_with_count_of_the_rest():
    doc = Doc({"t": Text("x" * 5000)})
    doc["t"].format(0, 10, {"bold": True})
    markup = doc["t"]._repr_html_()
    text = visible(markup)
    assert f"… {5000 - _display.HTML_TEXT_CHARS} more characters" in text
    assert text.count("x") == _display.HTML_TEXT_CHARS + 1  # and the "x" of "Text"
    assert "<b>xxxxxxxxxx</b>" in markup


def test_short_text_has_no_truncation_note():
    markup = Doc({"t": Text("short")})["t"]._repr_html_()
    assert "more characters" not in markup
    assert "formatting not shown" not in markup


def test_text_over_the_format_scan_limit_is_shown_plain():
    n = _display.FORMAT_SCAN_LIMIT + 5
    doc = Doc({"t": Text("y" * n)})
    doc["t"].format(0, 5, {"bold": True})
    markup = doc["t"]._repr_html_()
    assert "<b>" not in markup.split("</b>", 1)[1]  # only the "Text" heading is bold
    assert f"… {n - _display.HTML_TEXT_CHARS} more characters" in visible(markup)
    assert "formatting not shown" in visible(markup)


def test_utf8_text_cut_inside_a_character():
    doc = Doc({"t": Text("a" + "é" * (_display.FORMAT_SCAN_LIMIT))}, offset_kind="utf8")
    markup = doc["t"]._repr_html_()
    shown = visible(markup).count("é")
    total = 1 + 2 * _display.FORMAT_SCAN_LIMIT
    assert shown == (_display.HTML_TEXT_CHARS - 1) // 2
    assert f"… {total - 1 - 2 * shown} more UTF-8 bytes" in visible(markup)


def test_prelim_types_display():
    assert "prelim text" in visible(Text("prelim text")._repr_html_())
    assert "2 items" in visible(Array([1, Map({"k": 1})])._repr_html_())


# -- Array and Map trees ------------------------------------------------------------------


def test_array_tree_truncates_each_level():
    doc = Doc({"a": Array(list(range(100)))})
    markup = doc["a"]._repr_html_()
    assert count(markup, "li") == _display.HTML_ITEMS + 1
    assert f"… {100 - _display.HTML_ITEMS} more items" in visible(markup)
    assert "<code>19</code>" in markup and "<code>20</code>" not in markup


def test_map_tree_truncates():
    doc = Doc({"m": Map({f"k{i:03}": i for i in range(_display.HTML_ITEMS + 1)})})
    markup = doc["m"]._repr_html_()
    assert "… 1 more item" in visible(markup)
    assert "more items" not in visible(markup)


def test_nested_trees_are_collapsible_and_recursive():
    doc = Doc({"m": Map({"list": Array([Map({"deep": Text("leaf")})])})})
    markup = doc["m"]._repr_html_()
    assert count(markup, "details") == 3  # Map > Array > Map; the Text is a chip
    assert count(markup, "summary") == 3
    assert markup.count("<details open>") == 1  # only the top level starts open
    assert "'leaf'" in visible(markup)


def test_depth_limit():
    value = Array(["bottom"])
    for _ in range(_display.HTML_DEPTH + 3):
        value = Array([value])
    doc = Doc({"a": value})
    markup = doc["a"]._repr_html_()
    assert count(markup, "details") == _display.HTML_DEPTH
    assert "(depth limit)" in visible(markup)
    assert "bottom" not in markup


# -- update summaries ------------------------------------------------------------------


def test_update_summary_of_a_known_doc():
    doc = Doc({"t": Text("hello")}, client_id=7)
    update = doc.get_update()
    s = inspect_update(update)
    assert isinstance(s, UpdateSummary)
    assert s.size == len(update)
    assert s.clients == [7]
    assert s.clock_ranges == {7: [(0, 5)]}
    assert s.structs == 1
    assert s.delete_count == 0 and s.deletes == {}
    assert s.state == {7: 5}


def test_update_summary_counts_deletes_and_clients():
    a = Doc({"t": Text("abcdef")}, client_id=5)
    b = Doc(client_id=9)
    b.apply_update(a.get_update())
    b["t"].insert(6, "gh")  # 2 units by client 9
    del b["t"][1:4]  # splits client 5's item
    s = inspect_update(b.get_update())
    assert s.clients == [9, 5]
    assert s.clock_ranges == {9: [(0, 2)], 5: [(0, 6)]}
    assert s.structs == 4  # 'a', 'bcd' (deleted), 'ef', 'gh'
    assert s.deletes == {5: [(1, 3)]}
    assert s.delete_count == 3
    markup = s._repr_html_()
    parse(markup)
    assert "2 clients · 4 structs · 3 deleted" in visible(markup)
    assert "[0, 6)" in visible(markup)


def test_update_summary_of_a_diff_starts_past_zero():
    doc = Doc({"t": Text("abc")}, client_id=3)
    state = doc.get_state()
    doc["t"].insert(3, "de")
    s = inspect_update(get_update(doc.get_update(), state))
    assert s.clock_ranges == {3: [(3, 5)]}  # "abc" took clocks 0..2
    assert s.state == {}  # Yjs counts a client's state only from clock 0


def test_update_summary_of_merged_updates_with_a_gap():
    doc = Doc({"t": Text("ab")}, client_id=4)
    first = doc.get_update()
    s1 = doc.get_state()
    doc["t"].insert(2, "c")
    s2 = doc.get_state()
    doc["t"].insert(3, "d")
    last = get_update(doc.get_update(), s2)
    assert get_update(doc.get_update(), s1) != last
    s = inspect_update(merge_updates(first, last))
    assert s.clock_ranges == {4: [(0, 2), (3, 4)]}
    assert s.skips == 1


def test_update_summary_rejects_malformed_input():
    with pytest.raises(DecodeError):
        inspect_update(b"\x01")


# -- reprs -----------------------------------------------------------------------------


def test_reprs_of_large_content_are_bounded():
    doc = Doc(
        {
            "t": Text("x" * 200_000),
            "a": Array(list(range(50_000))),
            "m": Map({f"k{i}": "v" * 1000 for i in range(1000)}),
        }
    )
    assert repr(doc["t"]) == f"Text({'x' * _display.REPR_TEXT_CHARS + '…'!r}, 200000 chars)"
    assert repr(doc["a"]) == "Array([0, 1, 2, 3, 4, …], 50000 items)"
    r = repr(doc["m"])
    assert r.endswith("…}, 1000 keys)") and len(r) < 600
    for value in (doc["t"], doc["a"], doc["m"]):
        assert len(repr(value)) < 600


def test_short_reprs_show_everything():
    doc = Doc({"t": Text("hi"), "a": Array([1, "x"]), "m": Map({"k": Text("v")})})
    assert repr(doc["t"]) == "Text('hi')"
    assert repr(doc["a"]) == "Array([1, 'x'])"
    assert repr(doc["m"]) == "Map({'k': Text('v')})"
    assert repr(Text("prelim")) == "Text('prelim')"
    assert repr(Array(range(10))) == "Array([0, 1, 2, 3, 4, …], 10 items)"


def test_doc_repr_bounded_in_roots():
    doc = Doc({f"root{i:03}": Array() for i in range(500)}, client_id=1)
    r = repr(doc)
    assert (
        r
        == "Doc(client_id=1, roots=['root000', 'root001', 'root002', 'root003', 'root004', … 495 more])"
    )


def test_event_and_stack_item_reprs_are_bounded():
    doc = Doc({"t": Text("z" * 100_000)})
    events = []
    doc["t"].observe(events.append)
    um = UndoManager(scopes=[doc["t"]], capture_timeout_millis=0)
    doc["t"].insert(0, "a")
    assert len(repr(events[0])) < 300
    item = um.undo_stack[0]
    item.meta["big"] = "m" * 100_000
    assert len(repr(item)) < 300


def test_summary_repr():
    s = inspect_update(Doc({"t": Text("hi")}, client_id=3).get_update())
    assert repr(s) == f"UpdateSummary({s.size} bytes, clients=[3], structs=1, deleted=0)"


# -- cost: only the shown part is read ----------------------------------------------------


def test_rendering_a_million_char_text_reads_only_its_start(monkeypatch):
    doc = Doc({"t": Text("q" * 1_000_000)})
    text = doc["t"]
    reads: list[int] = []
    native_getitem = crdtcore.Text.__getitem__

    def spy_getitem(self, key):
        result = native_getitem(self, key)
        reads.append(len(result))
        return result

    def forbidden(self, *args):
        raise AssertionError("the whole text was read")

    monkeypatch.setattr(crdtcore.Text, "__getitem__", spy_getitem)
    monkeypatch.setattr(crdtcore.Text, "_str", forbidden)
    monkeypatch.setattr(crdtcore.Text, "_diff", forbidden)
    markup = text._repr_html_()
    r = repr(text)
    doc_markup = doc._repr_html_()
    assert reads and max(reads) <= _display.HTML_TEXT_CHARS
    assert len(markup) < 5 * _display.HTML_TEXT_CHARS
    assert len(r) < 100 and len(doc_markup) < 2000
    assert f"… {1_000_000 - _display.HTML_TEXT_CHARS} more characters" in visible(markup)


def test_rendering_a_large_array_or_map_reads_only_its_start(monkeypatch):
    doc = Doc({"a": Array(list(range(200_000))), "m": Map({f"k{i}": i for i in range(5000)})})
    array_reads: list[int] = []
    map_reads: list[str] = []
    native_array_get = crdtcore.Array._get
    native_map_get = crdtcore.Map._get

    def spy_array(self, key):
        result = native_array_get(self, key)
        array_reads.append(len(result) if isinstance(key, slice) else 1)
        return result

    def spy_map(self, key):
        map_reads.append(key)
        return native_map_get(self, key)

    def forbidden(self, *args):
        raise AssertionError("every value was read")

    monkeypatch.setattr(crdtcore.Array, "_get", spy_array)
    monkeypatch.setattr(crdtcore.Array, "_to_value", forbidden)
    monkeypatch.setattr(crdtcore.Map, "_get", spy_map)
    monkeypatch.setattr(crdtcore.Map, "_entries", forbidden)
    monkeypatch.setattr(crdtcore.Map, "_to_value", forbidden)
    doc["a"]._repr_html_()
    repr(doc["a"])
    doc["m"]._repr_html_()
    repr(doc["m"])
    assert max(array_reads) <= _display.HTML_ITEMS
    assert len(map_reads) <= _display.HTML_ITEMS + _display.REPR_ITEMS


def test_origin_path_and_sticky_index_reprs_are_bounded():
    doc = Doc({"t": Text("ab")}, client_id=1)
    big = "o" * 100_000
    events, txn_events = [], []
    doc["t"].observe(lambda event, txn: events.append((event, txn)))
    doc.observe(txn_events.append)
    with doc.transaction(origin=big) as txn:
        assert len(repr(txn)) < 120
        doc["t"].insert(0, "x")
    event, event_txn = events[0]
    assert len(repr(event_txn)) < 120 and len(repr(txn_events[0])) < 150
    assert repr(event).startswith("TextEvent(target=Text('xab'), path=[])")
    assert repr(doc["t"].sticky_index(1)) == (
        "StickyIndex({'tname': 't', 'item': {'client': 1, 'clock': 0}, 'assoc': 0})"
    )
    long_root = Doc({"r" * 10_000: Text("ab")})
    assert len(repr(long_root["r" * 10_000].sticky_index(1))) < 250


def test_short_repr_keeps_dict_order_and_bounds_length():
    assert _display.short_repr({"b": 1, "a": 2}) == "{'b': 1, 'a': 2}"
    assert len(_display.short_repr([[["x" * 1000] * 100] * 100] * 100)) <= _display.REPR_VALUE_CHARS


CORPUS = sorted((Path(__file__).resolve().parents[1] / "cpp" / "fixtures" / "corpus").glob("*.bin"))


def test_update_summary_agrees_with_the_core_on_the_yjs_corpus():
    # Yjs-written updates (text, maps, embeds, formats, XML, subdocs, GC, merged skips):
    # every struct is walked, and a client's first range ends where Yjs's state does.
    assert len(CORPUS) >= 20
    for path in CORPUS:
        update = path.read_bytes()
        s = inspect_update(update)
        assert s.size == len(update)
        from_zero = {c: runs[0][1] for c, runs in s.clock_ranges.items() if runs[0][0] == 0}
        assert from_zero == s.state, path.name
        for runs in s.clock_ranges.values():
            assert all(a < b for a, b in runs)
            assert all(b1 < a2 for (_, b1), (a2, _) in pairwise(runs)), path.name


def test_yjs_corpus_documents_render():
    rendered = 0
    for path in CORPUS:
        doc = Doc()
        doc.apply_update(path.read_bytes())
        parse(doc._repr_html_())
        for name in doc:
            try:
                root = doc[name]
            except TypeError:  # a root with no content to guess its type from
                continue
            parse(root._repr_html_())
            assert len(repr(root)) < 600
            rendered += 1
    assert rendered >= 20
