"""Audit lines are read strictly: a key given twice, or a line that is not byte for byte the canonical serialisation
the writer produces, is tampering, even when its hash matches what one JSON parser reads. Through the real CLI:
`context verify-audit FILE` exits 1 with an `audit-chain-broken` finding at the line (src/dativo_check/context/cli.py
documents the exit codes), and no request is answered after such a line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from context_helpers import repository

from dativo_check.context.audit import entry_hash
from dativo_check.context.policy import canonical_json


def _log(cli, tmp_path: Path) -> tuple[Path, Path, list[bytes]]:
    """A repository and its audit log of three requests: allowed, denied, allowed."""
    root = repository(tmp_path)
    for args, code in ((("get", "stripe-customers"), 0), (("get", "kafka-order-events"), 1), (("search", "orders"), 0)):
        assert cli("context", *args, "--requester", "copilot", "--purpose", "code-assist", cwd=root).code == code
    log = root / "audit" / "context-audit.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    assert [json.loads(line)["decision"] for line in lines] == ["allow", "deny", "allow"]
    return root, log, lines


def _verify(cli, log: Path):
    text = cli("context", "verify-audit", str(log))
    data = cli("context", "verify-audit", str(log), "--format", "json")
    return text, data


def _with_allow_first(line: bytes) -> bytes:
    """The denied line with a second `decision` key in front: `{"decision":"allow",...,"decision":"deny",...}`.
    json.loads keeps the last value, so the hash still matches; a reader that keeps the first sees "allow"."""
    assert b'"decision":"deny"' in line
    return b'{"decision":"allow",' + line[1:]


def test_a_key_given_twice_is_tampering_even_with_a_matching_hash(cli, tmp_path):
    _, log, lines = _log(cli, tmp_path)
    forged = _with_allow_first(lines[1])
    assert entry_hash(json.loads(forged)) == json.loads(forged)["hash"]  # what a lenient verifier accepted
    log.write_bytes(lines[0] + forged + lines[2])
    text, data = _verify(cli, log)
    assert text.code == data.code == 1
    assert text.out.startswith(f"{log}:2:1: error: line 2 has the key 'decision' more than once")
    assert text.out.rstrip().endswith("(audit-chain-broken)")
    result = data.json()
    assert result["ok"] is False and result["lines"] == 2
    assert result["problem"]["rule"] == "audit-chain-broken" and result["problem"]["line"] == 2
    assert result["head"] == json.loads(lines[0])["hash"]  # the chain is trusted up to the line before


def _respaced(line: bytes) -> bytes:
    return (json.dumps(json.loads(line), sort_keys=True) + "\n").encode("ascii")


def _reordered(line: bytes) -> bytes:
    entry = json.loads(line)
    return (json.dumps(dict(reversed(list(entry.items()))), separators=(",", ":")) + "\n").encode("ascii")


def _escaped(line: bytes) -> bytes:
    """The same strings with a needless escape: `copilot` written as `\\u0063opilot`."""
    assert b'"copilot"' in line
    return line.replace(b'"copilot"', b'"\\u0063opilot"')


def _crlf(line: bytes) -> bytes:
    return line.rstrip(b"\n") + b"\r\n"


def _unicode(line: bytes) -> bytes:
    """Non-ASCII written as it is, where the writer escapes it (`\\u00e9`)."""
    entry = json.loads(line)
    entry["requester"] = "copilöt"
    entry["hash"] = entry_hash(entry)
    return (json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


@pytest.mark.parametrize("rewrite", [_respaced, _reordered, _escaped, _crlf, _unicode])
def test_a_line_that_is_not_in_canonical_form_is_rejected(cli, tmp_path, rewrite):
    """Same record, same hash, other bytes: not a line the writer wrote."""
    _, log, lines = _log(cli, tmp_path)
    rewritten = rewrite(lines[1])
    assert rewritten != lines[1] and json.loads(rewritten)["hash"] == entry_hash(json.loads(rewritten))
    log.write_bytes(lines[0] + rewritten + lines[2])
    text, data = _verify(cli, log)
    assert text.code == data.code == 1
    assert text.out.startswith(f"{log}:2:1: error: line 2 is not written the way the log writes lines")
    assert data.json()["problem"]["rule"] == "audit-chain-broken" and data.json()["problem"]["line"] == 2


def test_a_non_json_constant_is_not_json(cli, tmp_path):
    """`NaN` is what Python's json writes for a float that is not a number, but it is not JSON (RFC 8259)."""
    _, log, lines = _log(cli, tmp_path)
    entry = json.loads(lines[2])
    entry["weight"] = float("nan")
    entry["hash"] = entry_hash(entry)
    log.write_bytes(lines[0] + lines[1] + (canonical_json(entry) + "\n").encode("ascii"))
    text, _ = _verify(cli, log)
    assert text.code == 1 and text.out.startswith(f"{log}:3:1: error: line 3 is not JSON")


def test_a_duplicate_key_in_a_nested_object_is_tampering_too(cli, tmp_path):
    _, log, lines = _log(cli, tmp_path)
    entry = json.loads(lines[2])
    entry["subject"] = {"id": "a"}
    entry["hash"] = entry_hash(entry)
    line = (canonical_json(entry) + "\n").encode("ascii").replace(b'{"id":"a"}', b'{"id":"b","id":"a"}')
    log.write_bytes(lines[0] + lines[1] + line)
    text, _ = _verify(cli, log)
    assert text.code == 1 and text.out.startswith(f"{log}:3:1: error: line 3 has the key 'id' more than once")


def test_no_request_is_answered_after_a_tampered_last_line(cli, tmp_path):
    """Appending reads the last line with the same strict reader: the request fails closed (exit 2, nothing
    printed) until the log is repaired."""
    root, log, lines = _log(cli, tmp_path)
    log.write_bytes(lines[0] + lines[1] + _respaced(lines[2]))
    run = cli("context", "get", "stripe-customers", "--requester", "copilot", "--purpose", "code-assist", cwd=root)
    assert run.code == 2 and run.out == ""
    assert "is not a valid audit line; the request is refused" in run.err and "verify-audit" in run.err
    assert log.read_bytes() == lines[0] + lines[1] + _respaced(lines[2])  # nothing appended


def test_the_log_the_writer_writes_verifies(cli, tmp_path):
    _, log, lines = _log(cli, tmp_path)
    text, data = _verify(cli, log)
    assert text.code == 0 and data.json()["ok"] is True and data.json()["head"] == json.loads(lines[-1])["hash"]
