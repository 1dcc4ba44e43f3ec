"""A static context bundle: `llms.txt`, `index.json`, and a Markdown and a JSON page per visible asset.

The pages are the same responses `context get` gives (action `bundle`, each audited); the index is audited as
`bundle-index`. Every file is written atomically and only inside the output folder. Pages a previous bundle wrote
for assets that are no longer visible are removed, so a narrower policy never leaves old context behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from dativo_check.context import pages
from dativo_check.context.engine import ContextService, Response
from dativo_check.errors import UsageError

INDEX = "index.json"
_PAGE = re.compile(r"^assets/[A-Za-z0-9._-]+\.(?:md|json)$")


@dataclass(frozen=True)
class Bundle:
    index: Response
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def page_name(asset_id: str) -> str:
    """A file name for an asset: its id where that is a safe name, else a safe form with a short hash."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", asset_id).lstrip(".") or "asset"
    if safe != asset_id:
        safe = f"{safe[:80]}-{hashlib.sha256(asset_id.encode('utf-8')).hexdigest()[:10]}"
    return safe


def write_bundle(service: ContextService, purpose: str, out: Path) -> Bundle:
    """Build every page first (each request audited), then write; a denied index writes nothing."""
    from dativo_check.fsutil import Sandbox, write_atomic

    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is not a folder")
    index = service.index(purpose)
    if not index.allowed:
        return Bundle(index)
    files: dict[str, str] = {}
    links: dict[str, str] = {}
    entries = []
    for result, asset_id in zip(index.document["results"], index.assets, strict=True):
        document = service.get(asset_id, purpose, action="bundle").document
        name = page_name(asset_id)
        markdown, data = f"assets/{name}.md", f"assets/{name}.json"
        files[markdown] = pages.asset_page(document)
        files[data] = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        links[result["id"]] = markdown
        entries.append({"id": result["id"], "markdown": markdown, "json": data})
    previous = _previous_pages(out)
    out.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox(out)
    # pages first, then the index files, so an index never names a page that is not there yet
    files["llms.txt"] = pages.llms_txt(index.document, links)
    files[INDEX] = json.dumps({"version": 1, "requester": service.requester, "purpose": index.document["purpose"],
                               "policy_hash": service.policy_hash, "assets": entries,
                               "files": sorted(files)}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    for relative, content in files.items():
        write_atomic(sandbox.path(relative), content)
    removed = []
    for relative in sorted(previous - set(files)):
        try:
            os.unlink(sandbox.path(relative))
            removed.append(relative)
        except FileNotFoundError:
            pass
    return Bundle(index, tuple(sorted(files)), tuple(removed))


def _previous_pages(out: Path) -> set[str]:
    """The asset pages an earlier bundle in `out` wrote (only names this module could have written)."""
    try:
        listed = json.loads((out / INDEX).read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return set()
    return {name for name in listed if isinstance(name, str) and _PAGE.match(name)}


def describe(bundle: Bundle, out: Path) -> str:
    """One line for the person who ran the command."""
    count = len(bundle.index.document.get("results", ()))
    removed = f"; removed {len(bundle.removed)} page(s) of assets no longer visible" if bundle.removed else ""
    return f"wrote {len(bundle.written)} file(s) for {count} visible asset(s) to {out}{removed}"
