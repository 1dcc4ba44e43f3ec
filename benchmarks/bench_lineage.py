"""Time building the lineage graph of 5,000 contracts with 20,000 column edges, and a full downstream traversal.

    python benchmarks/bench_lineage.py [--contracts 5000] [--column-edges 20000] [--runs 3]

Contracts come from benchmarks/generate_contracts.py (in memory, no files: this measures the graph, not YAML).
Their own `transformSourceObjects` references are topped up with more `<id>:<object>.<property>` references to
earlier contracts until the graph holds `--column-edges` column links. Measured: `lineage.graph.build` (median of
`--runs`); one `downstream()` from all datasets that have no upstream at once (the whole graph), and one from each
of them separately (what impact analysis does per changed contract); the peak memory of the process (ru_maxrss).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_contracts import contract, contract_rng  # noqa: E402

from dativo_check.yamlio.loader import Document  # noqa: E402
from dativo_check.contract.model import Contract  # noqa: E402
from dativo_check.lineage import graph as lineage  # noqa: E402


def contracts(count: int, column_edges: int, seed: int = 0) -> list[Contract]:
    docs: list[dict] = []
    for index in range(count):
        docs.append(contract(index, contract_rng(seed, index), docs))
    rng = random.Random(seed)
    links = sum(len(p.get("transformSourceObjects", [])) for d in docs for o in d["schema"] for p in o["properties"])
    while links < column_edges:
        target = docs[rng.randrange(1, len(docs))]
        source = docs[rng.randrange(0, docs.index(target))]
        obj, upstream = rng.choice(target["schema"]), rng.choice(source["schema"])
        prop, column = rng.choice(obj["properties"]), rng.choice(upstream["properties"])
        prop.setdefault("transformSourceObjects", []).append(f"{source['id']}:{upstream['name']}.{column['name']}")
        links += 1
    return [Contract(Document(f"specs/{doc['id']}.yaml", doc, "")) for doc in docs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=5000)
    parser.add_argument("--column-edges", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    loaded = contracts(args.contracts, args.column_edges)
    print(f"prepared {len(loaded)} contracts in {time.perf_counter() - started:.1f} s")
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        graph = lineage.build(loaded)
        times.append(time.perf_counter() - start)
    links = sum(len(edge.columns) for edge in graph.edges.values())
    roots = [node.id for node in graph.nodes.values() if not graph.upstream_edges(node.id)]
    start = time.perf_counter()
    everything = lineage.downstream(graph, roots)
    full = time.perf_counter() - start
    start = time.perf_counter()
    reached = sum(len(lineage.downstream(graph, [root])) for root in roots)
    walk = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"graph: {len(graph.nodes)} nodes, {len(graph.edges)} edges, {links} column links")
    print(f"build: median {statistics.median(times):.3f} s over {args.runs} runs")
    print(f"full downstream traversal from all {len(roots)} roots at once: {full:.3f} s "
          f"({len(everything)} nodes reached)")
    print(f"downstream from each root separately: {walk:.3f} s in all, {walk / len(roots) * 1000:.1f} ms per root "
          f"({reached} nodes reached in all)")
    print(f"peak memory of the process: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
