"""Lineage as JSON, Mermaid and Graphviz DOT, and the impact of a change as text, JSON and a Mermaid flowchart.

Labels come from contracts and are untrusted: Mermaid labels are quoted with every markup character as an entity,
DOT labels are escaped, node ids are generated.
"""

from __future__ import annotations

import json
from typing import Sequence

from dativo_check.core.hidden import visible
from dativo_check.lineage.graph import CONSUMER, EXPOSURE, EXTERNAL, MODEL, REFERENCES, Graph, Node
from dativo_check.lineage.impact import ContractImpact

_SHAPES = {"dataset": ('["', '"]'), EXTERNAL: ('[/"', '"/]'), CONSUMER: ('(["', '"])'), MODEL: ('[["', '"]]'),
           EXPOSURE: ('{{"', '"}}')}
_DOT_SHAPES = {"dataset": "box", EXTERNAL: "parallelogram", CONSUMER: "ellipse", MODEL: "box3d",
               EXPOSURE: "hexagon"}
_STYLE = [
    "  classDef changed fill:#fff3cd,stroke:#b58900,color:#3d2f00",
    "  classDef breaking fill:#f8d7da,stroke:#b02a37,color:#58151c,stroke-width:2px",
    "  classDef more fill:#f1f3f5,stroke:#868e96,stroke-dasharray:3 3",
]


def mermaid_text(text: str, limit: int = 60) -> str:
    """Text safe inside a quoted Mermaid label (and inside the Markdown around it)."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    out = visible(text).replace("#", "#35;")
    for char, entity in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("&", "#amp;"), ("`", "#96;"),
                         ("@", "#64;"), ("|", "#124;"), ("\\", "#92;")):
        out = out.replace(char, entity)
    return out


def _label(node: Node) -> str:
    label = node.label
    if node.owner and node.kind in ("dataset", CONSUMER, EXPOSURE, MODEL):
        return f"{label} · {node.owner}"
    return label


class _Ids:
    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def __call__(self, node_id: str) -> str:
        return self.ids.setdefault(node_id, f"n{len(self.ids)}")


def graph_json(graph: Graph) -> str:
    return json.dumps(graph.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def graph_mermaid(graph: Graph) -> str:
    nodes = [{"id": node.id, "kind": node.kind, "label": _label(node)}
             for node in sorted(graph.nodes.values(), key=lambda n: n.id)]
    edges = [{"source": edge.source, "target": edge.target, "kind": edge.kind}
             for edge in sorted(graph.edges.values(), key=lambda e: (e.source, e.target, e.kind))]
    return view_mermaid({"nodes": nodes, "edges": edges, "hidden": 0})


def graph_dot(graph: Graph) -> str:
    def quote(text: str) -> str:
        return '"' + " ".join(str(text).split()).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["digraph lineage {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    for node in sorted(graph.nodes.values(), key=lambda n: n.id):
        lines.append(f"  {quote(node.id)} [label={quote(_label(node))}, shape={_DOT_SHAPES.get(node.kind, 'box')}];")
    for edge in sorted(graph.edges.values(), key=lambda e: (e.source, e.target, e.kind)):
        style = ", style=dashed" if edge.kind == REFERENCES else ""
        lines.append(f"  {quote(edge.source)} -> {quote(edge.target)} [label={quote(edge.kind)}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def impact_view(impacts: Sequence[ContractImpact], graph: Graph, depth: int = 2, max_nodes: int = 30) -> dict:
    """The part of the graph an impact flowchart shows, as data (it travels in the JSON report): the changed
    datasets (`state` breaking or changed) and what is downstream of them, to `depth`, at most `max_nodes`."""
    states: dict[str, str] = {}
    shown: list[str] = []
    for item in impacts:
        for node in item.changed:
            if node.id not in states:
                states[node.id] = "breaking" if item.breaking else "changed"
                shown.append(node.id)
    hidden = 0
    for item in impacts:
        for reached in item.impacted:
            if reached.depth > depth or reached.node.id in states or reached.node.id in shown:
                continue
            if len(shown) >= max_nodes:
                hidden += 1
                continue
            shown.append(reached.node.id)
    visible = set(shown)
    nodes = [{"id": node_id, "kind": graph.nodes[node_id].kind, "label": _label(graph.nodes[node_id]),
              **({"state": states[node_id]} if node_id in states else {})} for node_id in shown]
    edges = [{"source": edge.source, "target": edge.target, "kind": edge.kind}
             for edge in sorted(graph.edges.values(), key=lambda e: (e.source, e.target, e.kind))
             if edge.source in visible and edge.target in visible]
    return {"nodes": nodes, "edges": edges, "hidden": hidden}


def view_mermaid(view: dict) -> str:
    """A Mermaid flowchart of an impact view; every label is escaped and every node id generated, so a view read
    back from a JSON report cannot inject anything either."""
    ids = _Ids()
    lines = ["flowchart LR"]
    known = set()
    for node in view.get("nodes", []):
        known.add(node["id"])
        start, end = _SHAPES.get(node.get("kind"), ('["', '"]'))
        lines.append(f"  {ids(node['id'])}{start}{mermaid_text(node.get('label', ''))}{end}")
    for edge in view.get("edges", []):
        if edge["source"] in known and edge["target"] in known:
            arrow = "-.->" if edge.get("kind") == REFERENCES else "-->"
            lines.append(f"  {ids(edge['source'])} {arrow} {ids(edge['target'])}")
    hidden = view.get("hidden", 0)
    if isinstance(hidden, int) and hidden > 0:
        lines.append(f'  more["+{hidden} more downstream"]')
        lines.append("  class more more")
    lines.extend(_STYLE)
    for node in view.get("nodes", []):
        if node.get("state") in ("breaking", "changed"):
            lines.append(f"  class {ids(node['id'])} {node['state']}")
    return "\n".join(lines) + "\n"


def impact_mermaid(impacts: Sequence[ContractImpact], graph: Graph, depth: int = 2, max_nodes: int = 30) -> str:
    return view_mermaid(impact_view(impacts, graph, depth, max_nodes))


def impact_json(impacts: Sequence[ContractImpact], base: str | None = None) -> str:
    return json.dumps({"base": base, "contracts": [item.to_dict() for item in impacts]}, indent=2,
                      ensure_ascii=False, allow_nan=False) + "\n"


def impact_text(impacts: Sequence[ContractImpact]) -> str:
    if not impacts:
        return "no changed contract has anything downstream\n"
    lines = []
    for item in impacts:
        flag = "BREAKING" if item.breaking else "compatible"
        lines.append(f"{item.diff.id} ({flag}, needs {item.diff.required_bump.value}): "
                     f"{len(item.impacted)} downstream")
        for reached in item.impacted:
            owner = f" [{reached.node.owner}]" if reached.node.owner else ""
            mark = "!" if reached.breaking else "-"
            lines.append(f"  {mark} {reached.node.kind} {reached.node.label}{owner} (depth {reached.depth}): "
                         f"{reached.reason}")
    return "\n".join(lines) + "\n"
