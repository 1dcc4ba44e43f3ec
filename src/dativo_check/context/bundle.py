"""A static context bundle: `llms.txt`, `index.json`, and a Markdown and a JSON page per visible asset.

The pages are the same responses `context get` gives (action `bundle`, each audited); the index is audited as
`bundle-index`. Every file is written atomically and only inside the output folder. Pages a previous bundle wrote
for assets that are no longer visible are removed, and a denied bundle removes every file the previous one wrote,
so a narrower policy never leaves old context behind.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from dativo_check.context import pages
from dativo_check.context.engine import ContextService, Response
from dativo_check.core.errors import UsageError
from dativo_check.core.fsutil import Sandbox, write_atomic

INDEX = "index.json"
LLMS = "llms.txt"
# The files a bundle writes, and so the only ones an earlier index may make it remove.
_WRITTEN = re.compile(r"^(?:assets/[A-Za-z0-9._-]+\.(?:md|json)|llms\.txt|index\.json)$")
_SAFE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Bundle:
    index: Response
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def page_names(asset_ids: Iterable[str]) -> dict[str, str]:
    """A file name per asset, no two alike even on a file system that ignores case: an id that is a safe name keeps
    it; any other gets a safe form with a short hash, and a counter when that is taken (an id can be spelt exactly
    like another asset's safe form)."""
    ids = sorted(set(asset_ids), key=lambda asset_id: (not _SAFE.match(asset_id), asset_id))
    names: dict[str, str] = {}
    taken: set[str] = set()
    for asset_id in ids:
        base = re.sub(r"[^A-Za-z0-9._-]", "-", asset_id).lstrip(".")[:80] or "asset"
        hashed = f"{base}-{hashlib.sha256(asset_id.encode('utf-8')).hexdigest()[:10]}"
        candidates = itertools.chain([asset_id] if _SAFE.match(asset_id) else [], [hashed],
                                     (f"{hashed}-{count}" for count in itertools.count(2)))
        names[asset_id] = next(name for name in candidates if name.lower() not in taken)
        taken.add(names[asset_id].lower())
    return names


def write_bundle(service: ContextService, purpose: str, out: Path) -> Bundle:
    """Build every page first (each request audited), then write; a denied index writes nothing and removes what
    an earlier bundle wrote."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is not a folder")
    index = service.index(purpose)
    previous = _previous_files(out)
    if not index.allowed:
        return Bundle(index, removed=_remove(Sandbox(out), previous) if previous else ())
    files: dict[str, str] = {}
    links: dict[str, str] = {}
    entries = []
    names = page_names(index.assets)
    for result, asset_id in zip(index.document["results"], index.assets, strict=True):
        document = service.get(asset_id, purpose, action="bundle").document
        markdown, data = f"assets/{names[asset_id]}.md", f"assets/{names[asset_id]}.json"
        files[markdown] = pages.asset_page(document)
        files[data] = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
        links[result["id"]] = markdown
        entries.append({"id": result["id"], "markdown": markdown, "json": data})
    # pages first, then the index files, so an index never names a page that is not there yet
    files[LLMS] = pages.llms_txt(index.document, links)
    files[INDEX] = json.dumps({"version": 1, "requester": service.requester, "purpose": index.document["purpose"],
                               "policy_hash": service.policy_hash, "assets": entries,
                               "files": sorted([*files, INDEX])}, indent=2, sort_keys=True, ensure_ascii=False,
                              allow_nan=False) + "\n"
    sandbox = _write(out, files)
    return Bundle(index, tuple(sorted(files)), _remove(sandbox, previous - set(files)))


def _write(out: Path, files: dict[str, str]) -> Sandbox:
    """Write `files` into `out`; the folders are made first, so a blocked one (a file named `assets`, a read-only
    folder) stops the bundle before any file is written. Failures are usage errors, not crashes."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        sandbox = Sandbox(out)
        for folder in sorted({os.path.dirname(relative) for relative in files} - {""}):
            sandbox.path(folder).mkdir(exist_ok=True)
        for relative, content in files.items():
            write_atomic(sandbox.path(relative), content)
    except OSError as error:
        where = error.filename2 or error.filename  # a failed rename names its target second
        raise UsageError(f"cannot write the bundle into {out}: {error.strerror or error}"
                         + (f" ({where})" if where else "")) from None
    return sandbox


def _remove(sandbox: Sandbox, names: set[str]) -> tuple[str, ...]:
    """Remove `names`, the index last: until it is gone, a run that was cut off can still be finished."""
    removed = []
    for relative in sorted(names, key=lambda name: (name == INDEX, name)):
        try:
            os.unlink(sandbox.path(relative))
            removed.append(relative)
        except FileNotFoundError:
            pass
    return tuple(removed)


def _previous_files(out: Path) -> set[str]:
    """The files an earlier bundle in `out` wrote, as its index lists them (only names this module writes)."""
    try:
        listed = json.loads((out / INDEX).read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return set()
    return {name for name in listed if isinstance(name, str) and _WRITTEN.match(name)}


def describe(bundle: Bundle, out: Path) -> str:
    """One line for the person who ran the command."""
    count = len(bundle.index.document.get("results", ()))
    removed = f"; removed {len(bundle.removed)} page(s) of assets no longer visible" if bundle.removed else ""
    return f"wrote {len(bundle.written)} file(s) for {count} visible asset(s) to {out}{removed}"
