"""Set each changed contract's `version` to the smallest correct one, moving it to a new version folder if needed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from dativo_check.config import Config
from dativo_check.contract import git, layout
from dativo_check.yamlio.loader import load_text
from dativo_check.diff.engine import ContractDiff
from dativo_check.diff.run import DiffRun
from dativo_check.core.errors import UsageError
from dativo_check.core.fsutil import inside, write_atomic
from dativo_check.core.model import Bump
from dativo_check.core.versions import parse


@dataclass(frozen=True)
class BumpAction:
    """What `bump --write` does for one contract."""

    contract_id: str
    file: str
    target: str
    old_version: str | None
    new_version: str
    text: str
    restore: str | None = None
    restore_text: bytes | None = None
    remove: str | None = None

    def describe(self) -> str:
        steps = [f"{self.contract_id}: version {self.old_version} -> {self.new_version}"]
        if self.target != self.file:
            steps.append(f"write {self.target}")
        else:
            steps.append(f"update {self.file}")
        if self.restore:
            steps.append(f"restore the released {self.restore}")
        if self.remove:
            steps.append(f"remove {self.remove}")
        return "; ".join(steps)

    def to_dict(self) -> dict:
        return {"id": self.contract_id, "file": self.file, "target": self.target, "old_version": self.old_version,
                "new_version": self.new_version, "restore": self.restore, "remove": self.remove}


_VALUE = re.compile(r"""(?P<quote>["']?)(?P<value>[^\s"'#]+)(?P=quote)""")


def set_version(text: str, new_version: str) -> str:
    """The file with its root `version` replaced, every other byte (comments, quoting, order) unchanged."""
    result = load_text(text, "contract")
    if result.document is None or "version" not in result.document.data:
        raise UsageError("the contract has no version to bump")
    line, column = result.document.locate("/version")
    lines = text.splitlines(keepends=True)
    current = lines[line - 1]
    match = _VALUE.match(current, column - 1)
    if match is None:
        raise UsageError(f"cannot find the version value on line {line}")
    # an unquoted version stays unquoted; one YAML read as a number (`version: 1.0`) gets quotes
    quote = match.group("quote") or ("" if isinstance(result.document.data["version"], str) else '"')
    lines[line - 1] = f"{current[:match.start()]}{quote}{new_version}{quote}{current[match.end():]}"
    return "".join(lines)


def needs_bump(diff: ContractDiff) -> bool:
    """A wrong version, or a right version in the wrong `vMAJOR.MINOR` folder."""
    if (diff.status != "changed" or diff.file is None or diff.next_version is None
            or diff.required_bump is Bump.NONE):
        return False
    if not diff.version_ok:
        return True
    placed, declared = layout.parse(diff.file), layout.major_minor(diff.head_version)
    return placed is not None and declared is not None and (placed.major, placed.minor) != declared


def plan(run: DiffRun, config: Config) -> list[BumpAction]:
    diffs = [diff for diff in run.diffs if needs_bump(diff)]
    restored = [diff.file for diff in diffs if _released(diff) and _target(diff) is not None]
    released = _base_texts(config, run.base_sha, restored)
    return [_action(diff, config, released) for diff in diffs]


def _version(diff: ContractDiff) -> str:
    assert diff.next_version is not None
    return diff.head_version if diff.version_ok and diff.head_version else diff.next_version


def _target(diff: ContractDiff) -> str | None:
    """The `vMAJOR.MINOR` folder the contract moves to, or None when its version stays within its folder."""
    assert diff.file is not None
    placed, new = layout.parse(diff.file), parse(_version(diff))
    if placed is None or new is None or (placed.major, placed.minor) == (new.major, new.minor):
        return None
    return placed.with_version(new.major, new.minor)


def _released(diff: ContractDiff) -> bool:
    """Edited in place: the file was released at the base, so moving the change out must restore it."""
    return diff.base_file == diff.file


def _base_texts(config: Config, base_sha: str | None, files: Sequence[str]) -> dict[str, bytes]:
    """The base revision's content of each file, from one `git ls-tree` and one `git cat-file` for all of them."""
    if base_sha is None or not files:
        return {}
    tree = git.tree(config.root, base_sha)
    oids = {file: tree[file] for file in files if file in tree}
    blobs = git.read_objects(config.root, oids.values())
    return {file: blobs[oid] for file, oid in oids.items() if oid in blobs}


def _action(diff: ContractDiff, config: Config, released: Mapping[str, bytes]) -> BumpAction:
    assert diff.file is not None
    version = _version(diff)
    text = (config.root / diff.file).read_bytes().decode("utf-8")
    updated = text if version == diff.head_version else set_version(text, version)
    target = _target(diff)
    if target is None:
        return BumpAction(diff.id, diff.file, diff.file, diff.head_version, version, updated)
    if (config.root / target).exists():
        raise UsageError(f"{diff.id}: {target} already exists; bump it by hand")
    in_place = _released(diff)
    return BumpAction(diff.id, diff.file, target, diff.head_version, version, updated,
                      restore=diff.file if in_place else None, restore_text=released.get(diff.file),
                      remove=None if in_place else diff.file)


def apply(actions: Sequence[BumpAction], config: Config) -> None:
    for action in actions:
        write_atomic(inside(config.root, action.target), action.text)
        if action.restore and action.restore_text is not None:
            write_atomic(inside(config.root, action.restore), action.restore_text)
        if action.remove:
            Path(inside(config.root, action.remove)).unlink()
