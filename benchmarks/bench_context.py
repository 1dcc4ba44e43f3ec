"""Time the AI-context service on 1,000 contracts: get, search, lineage, a whole bundle, and audit appends.

    python benchmarks/bench_context.py [--contracts 1000] [--runs 3]

Contracts come from benchmarks/generate_contracts.py (in memory, no YAML: this measures the context stages). The
policy gives an agent schema, lineage and governance on everything up to confidential, omits `pii` properties and
shows confidential ones type-only. Every request appends a real, fsync'ed audit line to a temporary file, as in
production. Measured: building the catalogue (facts and lineage graph); `get` of every asset (median and p95 per
request); `search` with a cold and a warm cache; `lineage` of every asset; a bundle of every visible asset.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_contracts import contract, contract_rng  # noqa: E402

from dativo_check.context.assets import catalog  # noqa: E402
from dativo_check.context.audit import AuditLog, verify  # noqa: E402
from dativo_check.context.bundle import write_bundle  # noqa: E402
from dativo_check.context.engine import ContextService  # noqa: E402
from dativo_check.context.policy import from_data  # noqa: E402
from dativo_check.yamlio.loader import Document  # noqa: E402
from dativo_check.contract.model import Contract  # noqa: E402

POLICY = {
    "version": 1, "purposes": ["code-assist"],
    "requesters": [{"id": "copilot", "type": "agent", "roles": ["engineering"]}],
    "rules": [{"id": "engineering", "effect": "allow", "requesters": {"roles": ["engineering"]},
               "assets": {"max-classification": "confidential"}, "capabilities": ["schema", "lineage", "governance"]},
              {"id": "no-restricted", "effect": "deny", "assets": {"min-classification": "restricted"},
               "capabilities": ["schema", "lineage", "finops", "governance"]}],
    "field-actions": [{"id": "pii", "fields": {"tags": ["pii"]}, "action": "omit"},
                      {"id": "confidential", "fields": {"min-classification": "confidential"},
                       "action": "type-only"}],
}


def contracts(count: int, seed: int = 0) -> list[Contract]:
    docs: list[dict] = []
    for index in range(count):
        docs.append(contract(index, contract_rng(seed, index), docs))
    return [Contract(Document(f"specs/{doc['id']}.yaml", doc, "")) for doc in docs]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    loaded = contracts(args.contracts)
    built = [timed(catalog, loaded) for _ in range(args.runs)]
    chosen = built[-1][1]
    print(f"catalogue of {len(chosen.contracts)} contracts: {statistics.median(t for t, _ in built):.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        audit = AuditLog(Path(folder) / "audit.jsonl")
        service = ContextService(from_data(POLICY), "copilot", chosen, audit)
        ids = chosen.ids()
        gets = [timed(service.get, asset, "code-assist")[0] for asset in ids]
        visible = sum(1 for asset in ids if service.decision(asset, "code-assist").visible)
        print(f"get x {len(ids)} ({visible} visible): median {statistics.median(gets) * 1000:.1f} ms, "
              f"p95 {sorted(gets)[int(len(gets) * 0.95)] * 1000:.1f} ms, total {sum(gets):.1f} s")
        cold, result = timed(service.search, "customer id", "code-assist")
        warm = statistics.median(timed(service.search, "order amount", "code-assist")[0] for _ in range(args.runs))
        print(f"search: cold {cold:.2f} s ({result.document['total']} hits), warm {warm * 1000:.0f} ms")
        lineage = [timed(service.lineage, asset, "code-assist")[0] for asset in ids]
        print(f"lineage x {len(ids)}: median {statistics.median(lineage) * 1000:.1f} ms")
        elapsed, bundle = timed(write_bundle, service, "code-assist", Path(folder) / "bundle")
        print(f"bundle: {len(bundle.written)} files in {elapsed:.1f} s")
        elapsed, checked = timed(verify, audit.path)
        print(f"verify-audit: {checked.lines} lines in {elapsed:.2f} s, chain intact: {checked.ok}")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
