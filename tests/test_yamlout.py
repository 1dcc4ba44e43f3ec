"""The YAML writer: whatever JSON-compatible data goes in, YAML 1.1 and 1.2 readers read the same data back."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dativo_check.yamlio.loader import load_text
from dativo_check.yamlio.writer import dump

_TRICKY = st.sampled_from([
    "yes", "No", "on", "OFF", "y", "~", "null", "", " ", "1.0", "0o17", "0x1F", "1e5", "1_000", "1:30", ".inf",
    "2024-01-15", "2024-01-15T10:30:00Z", "<<", "=", "- item", "key: value", "a #comment", "#x", "@at", "`tick`",
    "'single'", '"double"', "trailing ", " leading", "multi\nline", "multi\nline\n", "ends\n\n", "\ttab",
    "emoji 🎉", "ünïcödé", "{{ jinja }}", "[list]", "{map}", "a: b: c", "-", "--", "---", "...", "!tag", "&anchor",
    "*alias", "%percent", "? q", "| pipe", "> fold", "line\r\nwindows", "nul\x00byte", "bell\x07", "\u2028sep",
])
_TEXT = st.one_of(_TRICKY, st.text(max_size=30))
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                     st.floats(allow_nan=False, allow_infinity=False), _TEXT)
_DATA = st.recursive(_SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(_TEXT, children, max_size=4)), max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT, _DATA, min_size=1, max_size=5))
def test_round_trip_through_both_readers(data):
    text = dump(data)
    assert yaml.safe_load(text) == data
    loaded = load_text(text, "x.yaml")
    assert loaded.document is not None, (text, loaded.findings)
    assert loaded.document.data == data


def test_style_is_block_with_indented_lists_and_literal_multiline_text():
    text = dump({"models": [{"name": "orders", "description": "line one\nline two", "tags": ["a", "yes"]}]})
    assert text == ("models:\n"
                    "  - name: orders\n"
                    "    description: |-\n"
                    "      line one\n"
                    "      line two\n"
                    "    tags:\n"
                    "      - a\n"
                    "      - \"yes\"\n")
