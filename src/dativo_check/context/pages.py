"""Markdown renderings of context documents: an asset page and the `llms.txt` index (https://llmstxt.org).

Every value comes from a context document (already allow-listed, cleaned and bounded) and is escaped again for
Markdown, so contract text cannot become links, HTML, mentions or headings.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from dativo_check.report.markdown import code, escape, money

# Values are already cut to the configured max-text; this only keeps escape() from cutting them again.
_NO_CUT = 10_000


def _text(value: object) -> str:
    """A value of a context document as Markdown text."""
    return escape(value, _NO_CUT)


def asset_page(document: dict[str, Any]) -> str:
    contract = document.get("contract", {})
    title = contract.get("name") or document.get("asset", "")
    lines = [f"# {_text(title)}", ""]
    purpose = contract.get("description", {}).get("purpose")
    if purpose:
        lines += [f"> {_text(purpose)}", ""]
    facts = [("id", code(document.get("asset", ""))), ("version", contract.get("version")),
             ("status", contract.get("status")), ("domain", contract.get("domain")),
             ("data product", contract.get("dataProduct")),
             ("tags", ", ".join(contract.get("tags", ())) or None),
             ("platforms", ", ".join(" ".join(str(value) for value in (server.get("type"), server.get("environment"))
                                              if value) for server in contract.get("servers", ())) or None),
             ("capabilities", ", ".join(document.get("capabilities", ()))),
             ("policy", code(document.get("policy_hash", "")))]
    lines += [f"- {name}: {value if name in ('id', 'policy') else _text(value)}"
              for name, value in facts if value]
    for key in ("usage", "limitations"):
        text = contract.get("description", {}).get(key)
        if text:
            lines += ["", f"**{key.capitalize()}.** {_text(text)}"]
    if "schema" in document:
        lines += ["", "## Schema"]
        for obj in document["schema"]:
            lines += _object(obj)
    if "governance" in document:
        lines += ["", "## Governance", ""] + _governance(document["governance"])
    if "lineage" in document:
        lines += ["", "## Lineage"]
        for direction in ("upstream", "downstream"):
            nodes = document["lineage"].get(direction, [])
            lines += ["", f"### {direction.capitalize()}", ""]
            lines += [f"- {_node(node)}" for node in nodes] or ["- none"]
    if "finops" in document:
        lines += ["", "## Cost", ""] + _finops(document["finops"])
    lines += ["", "## Withheld", ""]
    redactions = document.get("redactions", [])
    if redactions:
        lines += ["| rule | withheld | where | count |", "| --- | --- | --- | --- |"]
        lines += [f"| {code(entry['rule'], cell=True)} | {_text(entry['withheld'])} "
                  f"| {_text(entry['where'])} | {entry['count']} |" for entry in redactions]
    else:
        lines.append("nothing")
    if document.get("truncated"):
        lines += ["", "This page was cut to the response size limit: "
                  + ", ".join(_text(cut["at"]) for cut in document.get("cut", ())) + "."]
    return "\n".join(lines) + "\n"


def _object(obj: dict[str, Any]) -> list[str]:
    physical = f" ({code(obj['physicalName'])})" if obj.get("physicalName") else ""
    lines = ["", f"### {_text(obj.get('name', '?'))}{physical}"]
    if obj.get("description"):
        lines += ["", _text(obj["description"])]
    rows = list(_rows(obj.get("properties", []), ""))
    if rows:
        lines += ["", "| property | type | classification | description |", "| --- | --- | --- | --- |"]
        lines += [f"| {name} | {_text(kind)} | {_text(level)} | {_text(text)} |"
                  for name, kind, level, text in rows]
    checks = obj.get("quality", [])
    if checks:
        lines += ["", "Quality checks: " + "; ".join(_text(check.get("description") or check.get("rule") or
                                                           check.get("type", "?")) for check in checks)]
    return lines


def _rows(properties: Sequence[dict[str, Any]], prefix: str) -> Iterator[tuple[str, str, str, str]]:
    """Table rows, nested properties named by path as policies name them (`address.city`, `items[].sku`)."""
    for prop in properties:
        yield from _row(prop, f"{prefix}{prop.get('name', '?')}")


def _row(prop: dict[str, Any], path: str) -> Iterator[tuple[str, str, str, str]]:
    kind = " ".join(str(prop[key]) for key in ("logicalType", "physicalType") if prop.get(key))
    yield code(path, cell=True), kind, prop.get("classification", ""), prop.get("description", "")
    yield from _rows(prop.get("properties", []), path + ".")
    if isinstance(prop.get("items"), dict):
        yield from _row(prop["items"], path + "[]")


def _governance(governance: dict[str, Any]) -> list[str]:
    retention = governance.get("retention", {})
    items = [("owners", ", ".join(governance.get("owners", ()))), ("status", governance.get("status")),
             ("highest classification", governance.get("highestClassification")),
             ("retention", " ".join(str(retention[key]) for key in ("value", "unit") if key in retention)),
             ("regulations", ", ".join(governance.get("regulations", ())))]
    items += [(entry["property"], entry["value"] if not isinstance(entry["value"], list)
               else ", ".join(str(value) for value in entry["value"]))
              for entry in governance.get("customProperties", ())]
    return [f"- {_text(name)}: {_text(value)}" for name, value in items if value not in (None, "")]


def _node(node: dict[str, Any]) -> str:
    if node.get("restricted"):
        return f"restricted (depth {node['depth']})"
    if "contract" in node:
        label = f"{code(node['contract'])} {_text(node.get('object', ''))}"
    else:
        label = _text(node.get("name", "?"))
    return f"{label} ({_text(node['kind'])}, depth {node['depth']})"


def _finops(finops: dict[str, Any]) -> list[str]:
    if not finops.get("estimable"):
        return [f"No estimate: {_text(finops.get('reason', ''))}"]
    monthly = finops["monthly"]
    currency = _text(finops["currency"])
    return [f"- monthly total: {money(monthly['total'], currency)}"] + [
        f"- {part}: {money(monthly[part], currency)}" for part in ("compute", "storage", "network", "api")]


def llms_txt(index: dict[str, Any], pages: dict[str, str]) -> str:
    """The index of a bundle: one link per visible asset, to its Markdown page."""
    lines = ["# Data contracts", "",
             f"> Context about the data contracts visible to requester {_text(index['requester'])} for "
             f"purpose {_text(index['purpose'])}, generated by dativo-check under policy "
             f"{code(index['policy_hash'])}. It describes data; it never contains any.", "",
             "## Assets", ""]
    for result in index.get("results", ()):
        note = f": {_text(result['description'])}" if result.get("description") else ""
        lines.append(f"- [{_text(result.get('name') or result['id'])}]({pages[result['id']]}){note}")
    if not index.get("results"):
        lines.append("No asset is visible to this requester for this purpose.")
    return "\n".join(lines) + "\n"
