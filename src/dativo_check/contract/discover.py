"""Find the contracts of a repository: YAML files whose root says `kind: DataContract`, plus configured globs."""

from __future__ import annotations

import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from dativo_check.config import Config
from dativo_check.core.fsutil import read_regular

YAML_SUFFIXES = (".yaml", ".yml")
SKIPPED_FOLDERS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", ".tox", ".nox", "__pycache__", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", "site-packages", "dist", "build", "target", "dbt_packages", ".dbt",
})
# A contract says `kind: DataContract` at its root; a legacy Dativo asset file starts with `asset:` and is found too,
# so that validation can say how to migrate it.
_KIND = re.compile(rb"^(?:kind:[ \t]*[\"']?DataContract[\"']?|asset:)[ \t]*(?:#[^\r\n]*)?\r?$", re.MULTILINE)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regular expression over `/`-separated relative paths: `**` crosses folders, `*` does not."""
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(parts) + "(?:/.*)?$")


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(glob_regex(pattern.lstrip("./") if pattern.startswith("./") else pattern) for pattern in patterns)


def matches_any(relative: str, patterns: tuple[str, ...]) -> bool:
    return any(regex.match(relative) for regex in _compiled(patterns))


def repository_files(root: Path) -> list[str]:
    """Relative paths of the files under `root` that git does not ignore (all files outside a git work tree)."""
    if (root / ".git").exists():
        try:
            listed = subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                cwd=root, capture_output=True, check=True, timeout=60,
            ).stdout
            return sorted({path for path in listed.decode("utf-8", "replace").split("\0") if path})
        except (OSError, subprocess.SubprocessError):
            pass
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_FOLDERS)
        base = os.path.relpath(folder, root)
        for name in files:
            found.append(name if base == "." else f"{base}/{name}".replace(os.sep, "/"))
    return sorted(found)


def looks_like_contract(raw: bytes) -> bool:
    return _KIND.search(raw) is not None


def candidate(relative: str, config: Config) -> bool:
    """Whether a repository file may be a contract, by its path alone: a YAML file outside skipped folders and
    not excluded by the configuration (its content decides the rest)."""
    if not relative.endswith(YAML_SUFFIXES) or any(part in SKIPPED_FOLDERS for part in relative.split("/")[:-1]):
        return False
    return not (config.exclude and matches_any(relative, config.exclude))


def is_contract(relative: str, raw: bytes, config: Config) -> bool:
    """Whether a candidate file is a contract: it says so at its root, or the configured globs name it."""
    return looks_like_contract(raw) or bool(config.paths and matches_any(relative, config.paths))


def scan(config: Config) -> Iterator[tuple[str, bytes]]:
    """The contract files of the repository with their contents, each file read once."""
    for relative in repository_files(config.root):
        if not candidate(relative, config):
            continue
        try:  # only regular files: a symlink could lead out of the repository, a FIFO would block
            raw = read_regular(config.root / relative, config.limits.max_file_size, follow=False)
        except OSError:
            continue
        if is_contract(relative, raw, config):
            yield relative, raw


def discover(config: Config) -> list[str]:
    """Relative paths of the contracts to check when the user named none."""
    return [relative for relative, _ in scan(config)]


def _file_is_contract(path: Path, limit: int) -> bool:
    try:
        return looks_like_contract(read_regular(path, limit))
    except OSError:
        return False


def expand(paths: Iterable[str], config: Config) -> list[str]:
    """The files named on the command line, with folders expanded to the contracts inside them."""
    found: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(discover_in(path, config))
        else:
            found.append(given)
    return list(dict.fromkeys(found))


def discover_in(folder: Path, config: Config) -> list[str]:
    """Contracts inside one folder, as paths usable from the working directory."""
    found = []
    for current, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_FOLDERS)
        for name in sorted(files):
            if not name.endswith(YAML_SUFFIXES):
                continue
            found.append(str(Path(current) / name))
    return only_contracts(found, config)


def only_contracts(paths: Iterable[str], config: Config) -> list[str]:
    """The named files that are contracts: matched by the configured globs, or with `kind: DataContract`."""
    kept = []
    for given in paths:
        relative = display_path(given, config.root)
        if config.exclude and matches_any(relative, config.exclude):
            continue
        if (config.paths and matches_any(relative, config.paths)) or _file_is_contract(Path(given),
                                                                                       config.limits.max_file_size):
            kept.append(given)
    return kept


def display_path(path: Path | str, root: Path) -> str:
    """How a file is named in findings: relative to the repository root when inside it, with `/` separators."""
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()
