"""Diff runs: two files, or the working tree (or a head ref) against a git base, with the allowlist applied."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from dativo_check.config import Config
from dativo_check.contract import git, revision
from dativo_check.contract.discover import discover, display_path, expand
from dativo_check.contract.load import load_contracts
from dativo_check.contract.model import Contract
from dativo_check.contract.references import referenced_ids
from dativo_check.diff import gate
from dativo_check.diff.engine import ContractDiff, DiffOptions, RuleSetting, compare, not_compared
from dativo_check.core.model import Bump, Finding, Level


@dataclass(frozen=True)
class DiffRun:
    base_label: str
    head_label: str
    diffs: tuple[ContractDiff, ...]
    findings: tuple[Finding, ...] = ()
    base_sha: str | None = None
    head_sha: str | None = None
    files: tuple[str, ...] = field(default=())
    # both sides as loaded, for validating the change against its base (what it references, what was broken)
    base: revision.Revision | None = field(default=None, compare=False, repr=False)
    head: revision.Revision | None = field(default=None, compare=False, repr=False)


def options_from(config: Config, mode: str | None = None) -> DiffOptions:
    """The compatibility mode and the configured level and bump of every rule the configuration names."""
    ids = set(config.rule_levels) | set(config.rule_bumps)
    settings = {rule_id: RuleSetting(config.rule_levels.get(rule_id), config.rule_bumps.get(rule_id))
                for rule_id in ids}
    return DiffOptions(mode or config.compat, settings)


def diff_files(old: str, new: str, config: Config, mode: str | None = None) -> DiffRun:
    """Compare two contract files."""
    loaded = load_contracts([old, new], config)
    if loaded.findings:
        return DiffRun(old, new, (), loaded.findings, files=(display_path(old, config.root),
                                                             display_path(new, config.root)))
    base, head = loaded.contracts
    result = compare(base, head, options_from(config, mode), _allowlist(config))
    findings = list(_allowlist_findings(config, [result]))
    if base.id != head.id:
        findings.append(head.finding(gate.ID_MISMATCH.id, gate.ID_MISMATCH.level,
                                     f"comparing different contracts: {base.id!r} and {head.id!r}", "/id"))
    return DiffRun(base.file, head.file, (result,), tuple(findings), files=(head.file,),
                   base=revision.Revision(base.file, (base,), ()), head=revision.Revision(head.file, (head,), ()))


def diff_refs(config: Config, base_ref: str, head_ref: str | None = None, paths: Sequence[str] = (),
              mode: str | None = None, fetch: bool = False, working_tree: revision.Revision | None = None) -> DiffRun:
    """Compare the working tree (or `head_ref`) with `base_ref`; with `paths`, only the contracts under them.

    `working_tree` is the working tree already loaded (within `paths`), so a caller that also validates it reads
    each file once."""
    root = config.root
    git.toplevel(root)
    if fetch:
        for ref in (base_ref, head_ref):
            if ref:
                ensure_available(root, ref, history=True)
    base_sha = git.resolve(root, base_ref)
    head_sha = git.resolve(root, head_ref) if head_ref else None
    scope = scope_of(paths, config)
    head = working_tree if working_tree is not None and head_sha is None else _head(config, head_sha, scope)
    # the base copies of the contracts in scope, and of those they reference (to tell which references broke)
    wanted_ids = {contract.id for contract in head.contracts if contract.id}
    wanted_ids |= {other for contract in head.contracts for other in referenced_ids(contract)}

    def keep(path: str, raw: bytes) -> bool:
        from dativo_check.contract.index import scan_id

        return scope is None or _in_scope(path, scope) or scan_id(raw) in wanted_ids

    base = revision.from_git(config, base_sha, keep, _unchanged(config, base_sha, head) if head_sha is None else None)
    if head_sha is None:
        head = _with_known_contracts(config, head, base, scope)
    options = options_from(config, mode)
    accepted = _allowlist(config)
    diffs, findings = [], _load_problems(base, head)
    unreadable = {finding.file: f"{finding.rule}: {finding.message}" for finding in head.findings}
    unreadable_base = {finding.file: finding for finding in base.findings}
    claims: dict[tuple, list[str]] = {}
    for contract in head.contracts:
        if contract.id is not None:
            claims.setdefault((contract.id, revision.version_key(contract)), []).append(contract.file)
    for old, new in revision.pair(base.contracts, head.contracts):
        if new is None and scope is not None and not _in_scope(old.file, scope):
            continue
        if new is None and old.file in unreadable:  # still there, but its head copy cannot be read
            diffs.append(not_compared(old, f"the head copy of {old.file} cannot be read ({unreadable[old.file]})",
                                      head_known=False))
            continue
        reason = _why_not_comparable(new, claims, unreadable_base) if old is None else None
        if reason is not None:
            diffs.append(not_compared(new, *reason))
            continue
        earlier = _earlier(config, old, new, base, base_sha) if options.mode.endswith("-transitive") else None
        result = compare(old, new, options, accepted, earlier)
        for side in (old, new):
            if side is not None and (working_tree is None or side is not new):
                side.document.forget_positions()  # the caller's working tree keeps them: it validates next
        if result.status == "unchanged" and old is not None and new is not None and old.file == new.file:
            continue
        diffs.append(result)
        findings.extend(_in_place(old, new, result))
    diffs.sort(key=lambda d: (not d.breaking, d.file or d.base_file or ""))
    files = tuple(sorted({d.file or d.base_file for d in diffs if d.file or d.base_file}))
    findings = [*_allowlist_findings(config, diffs), *findings]
    return DiffRun(base_ref, head_ref or "working tree", tuple(diffs), tuple(findings), base_sha, head_sha, files,
                   base, head)


def _why_not_comparable(head: Contract, claims: Mapping[tuple, list[str]],
                        unreadable_base: Mapping[str, Finding]) -> tuple[str, str | None] | None:
    """Why a head contract without a predecessor is not simply new: its base copy exists but cannot be read, or
    another head file claims the same contract (`claims`: the files of each id and version). The reason and the
    base file, or None."""
    broken = unreadable_base.get(head.file)
    if broken is not None:
        return f"the base copy of {head.file} cannot be read ({broken.rule}: {broken.message})", head.file
    twins = sorted(file for file in claims.get((head.id, revision.version_key(head)), ()) if file != head.file)
    if twins:
        claim = "claims" if len(twins) == 1 else "claim"
        return (f"{', '.join(twins)} also {claim} id {head.id!r} at version {head.version}; it is not clear which "
                "one continues the base"), None
    return None


def _unchanged(config: Config, base_sha: str, head: revision.Revision) -> dict[str, Contract]:
    """Working-tree contracts whose file is byte-identical in the base: the base side reuses them, unread."""
    changed = git.changed_since(config.root, base_sha)
    return {contract.file: contract for contract in head.contracts if contract.file not in changed}


def _earlier(config: Config, old: Contract | None, new: Contract | None, base: revision.Revision,
             base_sha: str) -> Callable[[], list[Contract]]:
    """Earlier versions of the same major line, from the files this contract has lived in, read when asked for."""
    from dativo_check.diff.history import earlier_in_major

    def read() -> list[Contract]:
        if old is None or new is None:
            return []
        paths = sorted({old.file, new.file, *(c.file for c in base.contracts if c.id == new.id)})
        return earlier_in_major(config, old, new, paths, base_sha)

    return read


def _load_problems(base: revision.Revision, head: revision.Revision) -> list[Finding]:
    """Files that cannot be read: new when they could be read in the base. Files that could not be read in the
    base only are context, not this change's fault."""
    broken_before = {(finding.file, finding.rule) for finding in base.findings}
    broken_now = {finding.file for finding in head.findings}
    return [*(dataclasses.replace(finding, new=(finding.file, finding.rule) not in broken_before)
              for finding in head.findings),
            *(dataclasses.replace(finding, level=Level.WARNING, message=f"in the base revision: {finding.message}",
                                  new=False) for finding in base.findings if finding.file not in broken_now)]


def ensure_available(root: Path, ref: str, history: bool) -> bool:
    """Fetch `ref` from origin when the clone does not have it; True when it had to be fetched. With `history`, a
    shallow clone is deepened (transitive modes and `history` read earlier versions), else one commit is fetched."""
    try:
        git.resolve(root, ref)
        return False
    except git.GitError as missing:
        try:
            (git.fetch if history else git.fetch_commit)(root, ref)
        except git.GitError as failed:  # say first that the ref is missing; why fetching did not help comes second
            reason = str(failed).splitlines()[0]
            raise git.GitError(f"{missing}; fetching it did not help: {reason}") from None
        return True


def scope_of(paths: Sequence[str], config: Config) -> list[str] | None:
    """Repository-relative paths the run is limited to; a path that no longer exists names a deleted contract."""
    return [display_path(path, config.root) for path in paths] if paths else None


def _in_scope(path: str, scope: list[str]) -> bool:
    return any(path == entry or path.startswith(entry.rstrip("/") + "/") for entry in scope)


def _head(config: Config, head_sha: str | None, scope: list[str] | None) -> revision.Revision:
    if head_sha is not None:
        keep = None if scope is None else (lambda path, raw: _in_scope(path, scope))
        return revision.from_git(config, head_sha, keep)
    return load_working_tree(config, scope)


def load_working_tree(config: Config, scope: Sequence[str] | None = None) -> revision.Revision:
    """The contracts of the working tree, or of the repository-relative paths in `scope` (missing ones skipped)."""
    if scope is None:
        files = discover(config)
    else:
        existing = [path for path in scope if (config.root / path).exists()]
        files = expand([str(config.root / path) for path in existing], config)
    loaded = load_contracts(files, config)
    return revision.Revision("working tree", loaded.contracts, loaded.findings)


def _with_known_contracts(config: Config, head: revision.Revision, base: revision.Revision,
                          scope: list[str] | None) -> revision.Revision:
    """Files that were contracts in the base are contracts still, even if an edit broke their `kind:` line."""
    seen = {contract.file for contract in head.contracts} | {finding.file for finding in head.findings}
    missed = [contract.file for contract in base.contracts if contract.file not in seen
              and (config.root / contract.file).is_file() and (scope is None or _in_scope(contract.file, scope))]
    if not missed:
        return head
    loaded = load_contracts(missed, config)
    return revision.Revision(head.label, head.contracts + loaded.contracts, head.findings + loaded.findings)


def _in_place(old: Contract | None, new: Contract | None, result: ContractDiff) -> list[Finding]:
    """A minor or major change must not be made inside a released `vMAJOR.MINOR` folder."""
    placed = revision.released_in_place(old, new)
    parsed = gate.parse(old.version) if old else None
    if placed is None or parsed is None or new is None:
        return []
    needed = gate.effective(result.required_bump, parsed)
    if needed.rank < Bump.MINOR.rank:
        return []
    target = gate.parse(gate.next_version(parsed, result.required_bump))
    folder = placed.with_version(target.major, target.minor)
    finding = new.finding(gate.IN_PLACE.id, gate.IN_PLACE.level,
                          f"a {needed.value} change was made in place in the released folder {placed.folder}",
                          "/version", hint=f"create {folder} instead and leave {placed.folder} as released "
                                           "(`dativo-check bump --write` does it)")
    return list(gate.soften([finding], new))


def _allowlist(config: Config) -> dict[str, str]:
    """Accepted change ids with their reasons; expired entries are not honoured."""
    today = datetime.date.today().isoformat()
    return {entry.id: entry.reason for entry in config.allowlist if not entry.expired(today)}


def _allowlist_findings(config: Config, diffs: Sequence[ContractDiff]) -> tuple[Finding, ...]:
    """Expired entries and entries that matched nothing are warnings, so the allowlist does not rot."""
    today = datetime.date.today().isoformat()
    used = {change.id for diff in diffs for change in diff.changes if change.accepted is not None}
    findings = []
    for entry in config.allowlist:
        if entry.expired(today):
            findings.append(gate.ALLOWLIST_EXPIRED.finding(
                config.display_source, f"allowlist entry {entry.id} expired on {entry.expires} ({entry.reason})",
                entry.line, 1, hint="remove it, or renew it with a new expiry date"))
        elif entry.id not in used:
            findings.append(gate.ALLOWLIST_UNUSED.finding(
                config.display_source, f"allowlist entry {entry.id} matches no change in this diff ({entry.reason})",
                entry.line, 1, hint="remove it once the change has shipped"))
    return tuple(findings)
