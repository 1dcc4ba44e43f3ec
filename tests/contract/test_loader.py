"""The loader turns hostile or broken YAML into findings with lines, and keeps values exactly as written."""

from __future__ import annotations

import pytest

from dativo_check.config import Limits
from dativo_check.yamlio.loader import load_bytes, load_path, load_text


def rules_of(result) -> list[str]:
    return [finding.rule for finding in result.findings]


def test_dates_timestamps_and_yaml11_words_stay_strings():
    result = load_text(
        "dateIn: 2022-08-02\ncreated: 2024-01-15T10:30:00Z\ncountry: NO\nenabled: yes\nflag: true\n"
        "count: 0x1F\nratio: 1.5\nempty:\n", "c.yaml")
    assert result.document.data == {
        "dateIn": "2022-08-02", "created": "2024-01-15T10:30:00Z", "country": "NO", "enabled": "yes",
        "flag": True, "count": 31, "ratio": 1.5, "empty": None,
    }


def test_duplicate_key_is_reported_at_the_second_key_with_the_first_line():
    result = load_text("id: a\nname: x\nid: b\n", "c.yaml")
    (finding,) = result.findings
    assert finding.rule == "yaml-duplicate-key"
    assert (finding.line, finding.column) == (3, 1)
    assert "first defined on line 1" in finding.message
    assert result.document.data["id"] == "b"


def test_non_string_keys_are_reported_and_kept_as_text():
    result = load_text("200: ok\nnull: x\n", "c.yaml")
    assert rules_of(result) == ["yaml-key-type", "yaml-key-type"]
    assert result.document.data == {"200": "ok", "null": "x"}


def test_python_tags_are_never_constructed():
    result = load_text("version: !!python/object/apply:os.system ['touch /tmp/pwned']\n", "c.yaml")
    assert rules_of(result) == ["yaml-unsupported-tag"]
    assert result.document.data["version"] == ["touch /tmp/pwned"]


@pytest.mark.parametrize("text, rule, line", [
    ("", "yaml-empty", 1),
    ("# only a comment\n", "yaml-empty", 1),
    ("- a\n- b\n", "yaml-root-type", 1),
    ("just text\n", "yaml-root-type", 1),
    ("a: 1\n---\nb: 2\n", "yaml-multiple-documents", 3),
    ("a: [1, 2\nb: 3\n", "yaml-syntax", 2),
    ("a:\n  b: 1\n c: 2\n", "yaml-syntax", 3),
    ("a: \"\x07\"\n", "yaml-syntax", 1),
])
def test_unusable_documents_are_one_fatal_finding(text, rule, line):
    result = load_text(text, "c.yaml")
    assert result.document is None
    assert rules_of(result) == [rule]
    assert result.findings[0].line == line


def test_billion_laughs_is_stopped_before_it_expands():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    result = load_text("\n".join(lines) + "\n", "c.yaml")
    assert result.document is None
    assert rules_of(result) == ["yaml-alias-limit"]


def test_reasonable_anchors_and_merge_keys_are_fine():
    text = ("defaults: &d {logicalType: string, classification: internal}\n"
            "props:\n  - {<<: *d, name: email, classification: confidential}\n  - {<<: *d, name: city}\n")
    result = load_text(text, "c.yaml")
    assert result.findings == ()
    assert result.document.data["props"] == [
        {"name": "email", "classification": "confidential", "logicalType": "string"},
        {"name": "city", "logicalType": "string", "classification": "internal"},
    ]


def test_recursive_alias_is_reported():
    result = load_text("a: &a\n  b: *a\n", "c.yaml")
    assert rules_of(result) == ["yaml-alias-limit"]


def test_nesting_depth_limit():
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(80)) + "  " * 80 + "leaf: 1\n"
    result = load_text(text, "c.yaml", Limits(max_depth=64))
    assert rules_of(result) == ["yaml-too-deep"]
    assert load_text(text, "c.yaml", Limits(max_depth=128)).findings == ()


def test_file_size_limit_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 5000 + "\n")
    result = load_path(big, "big.yaml", Limits(max_file_size=1024))
    assert rules_of(result) == ["yaml-too-large"]


@pytest.mark.parametrize("raw, message", [
    (b"\xff\xfei\x00d\x00:\x00", "UTF-16"),
    (b"id: caf\xe9\n", "not valid UTF-8"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary"),
])
def test_encodings_and_binaries(raw, message):
    result = load_bytes(raw, "c.yaml")
    assert rules_of(result) == ["yaml-encoding"]
    assert message in result.findings[0].message


def test_utf8_bom_and_crlf_are_accepted():
    result = load_bytes(b"\xef\xbb\xbfid: orders\r\nname: Orders\r\n", "c.yaml")
    assert result.findings == ()
    assert result.document.data == {"id": "orders", "name": "Orders"}


def test_positions_point_at_values_keys_and_block_collections():
    text = ("apiVersion: v3.0.2\n"
            "schema:\n"
            "  - name: orders\n"
            "    properties:\n"
            "      - name: order_id\n"
            "        logicalType: integer\n")
    document = load_text(text, "c.yaml").document
    assert document.locate("/schema/0/properties/0/logicalType") == (6, 22)
    assert document.locate("/schema/0/properties/0/logicalType", at_key=True) == (6, 9)
    assert document.locate("/schema/0/properties") == (4, 5)
    assert document.locate("/schema/0/properties/0/missing") == (5, 9)
    assert document.locate("") == (1, 1)
    assert document.source_text("/apiVersion") == "v3.0.2"


def test_unreadable_file_is_a_finding(tmp_path):
    folder = tmp_path / "a-folder.yaml"
    folder.mkdir()
    assert rules_of(load_path(folder, "a-folder.yaml")) == ["file-unreadable"]


@pytest.mark.parametrize("text, words", [
    ("", "the policy file is empty: expected a mapping with version and rules"),
    ("- a\n", "the document root is not a mapping: a policy is a mapping of keys, not a list"),
    ("a: 1\n---\nb: 2\n", "put one policy per file"),
    ("a: !custom 1\n", "a policy is plain YAML data"),
])
def test_messages_name_the_kind_of_file(text, words):
    (finding,) = load_text(text, "p.yaml", noun="policy", keys=("version", "rules")).findings
    assert words in finding.message and "contract" not in finding.message


def test_a_contract_is_the_default_kind_of_file():
    assert load_text("", "c.yaml").findings[0].message == "the contract file is empty: expected a mapping"
    assert "put one contract per file" in load_bytes(b"a: 1\n---\nb: 2\n", "c.yaml").findings[0].message
