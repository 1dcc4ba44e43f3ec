"""Compare two versions of a contract: every change, judged under a compatibility mode, and the version gate."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Sequence

from dativo_check.contract.model import Contract
from dativo_check.diff import gate, walk
from dativo_check.diff.rules import ChangeRule, Delta, all_rules
from dativo_check.core.model import (
    Bump,
    Change,
    Finding,
    Level,
    Verdict,
    mode_verdict,
)
from dativo_check.core.ruledoc import verdict_bump, verdict_level

ADDED, DELETED, CHANGED, UNCHANGED, NOT_COMPARED = "added", "deleted", "changed", "unchanged", "not-compared"


@dataclass(frozen=True)
class RuleSetting:
    """A configured override for one change rule."""

    level: Level | None = None
    bump: Bump | None = None


@dataclass(frozen=True)
class DiffOptions:
    mode: str = "forward"
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)


@dataclass(frozen=True)
class ContractDiff:
    """What changed in one contract between base and head, and whether its version says so."""

    id: str
    status: str
    file: str | None
    base_file: str | None
    base_version: str | None
    head_version: str | None
    changes: tuple[Change, ...]
    required_bump: Bump
    actual_bump: Bump | None
    next_version: str | None
    version_ok: bool
    findings: tuple[Finding, ...] = ()
    base_hash: str | None = None
    head_hash: str | None = None
    base_contract: Contract | None = field(default=None, compare=False, repr=False)
    head_contract: Contract | None = field(default=None, compare=False, repr=False)

    @property
    def breaking(self) -> bool:
        return any(change.breaking for change in self.changes)

    @property
    def compared(self) -> bool:
        """Whether both sides could be read: only then do cost deltas and other side-by-side views apply."""
        return self.status != NOT_COMPARED

    def to_dict(self) -> dict:
        return {
            "id": self.id, "status": self.status, "file": self.file, "base_file": self.base_file,
            "base_version": self.base_version, "head_version": self.head_version,
            "required_bump": self.required_bump.value,
            "actual_bump": self.actual_bump.value if self.actual_bump else None,
            "version_ok": self.version_ok, "next_version": self.next_version, "breaking": self.breaking,
            "base_hash": self.base_hash, "head_hash": self.head_hash,
            "changes": [change.to_dict() for change in self.changes],
            "findings": [finding.to_dict() for finding in self.findings],
        }


def change_id(rule: str, contract_id: str, where: str) -> str:
    """A stable id for a change: the same change in the same place keeps its id across commits."""
    digest = hashlib.sha256(f"{rule}\0{contract_id}\0{where}".encode("utf-8")).hexdigest()
    return f"{rule}@{digest[:10]}"


def detect(base: Contract, head: Contract, options: DiffOptions) -> list[Change]:
    """Every change between two versions; each key of each part is owned by exactly one rule (see `KEYS`)."""
    by_kind = rules_by_kind()
    changes: list[Change] = []
    for pair in walk.pairs(base.data, head.data):
        for rule in by_kind.get(pair.kind, ()):
            if options.rules.get(rule.id, RuleSetting()).level is Level.OFF:
                continue
            changes.extend(_change(rule, delta, pair, base, head, options) for delta in rule.detect(pair))
    return sorted(changes, key=lambda c: (-c.verdict.rank, -c.bump.rank, c.line or 0, c.rule))


@lru_cache(maxsize=None)
def rules_by_kind() -> dict[str, tuple[ChangeRule, ...]]:
    kinds: dict[str, list[ChangeRule]] = {}
    for rule in all_rules():
        for kind in rule.kinds:
            kinds.setdefault(kind, []).append(rule)
    return {kind: tuple(rules) for kind, rules in kinds.items()}


def _change(rule: ChangeRule, delta: Delta, pair: walk.Pair, base: Contract, head: Contract,
            options: DiffOptions) -> Change:
    compatibility = rule.compatibility
    forward = delta.forward or compatibility.forward
    backward = delta.backward or compatibility.backward
    verdict = mode_verdict(options.mode, forward, backward)
    setting = options.rules.get(rule.id, RuleSetting())
    bump = setting.bump or verdict_bump(verdict, compatibility.bump)
    level = setting.level or verdict_level(verdict)
    source = head if pair.head is not None else base
    line, _ = source.locate(delta.pointer)
    side = pair.head or pair.base
    inner = delta.pointer[len(side.pointer):] if delta.pointer.startswith(side.pointer) else delta.pointer
    where = f"{pair.kind}:{pair.parent}.{pair.label}:{inner}"
    return Change(rule.id, head.id or base.id or "?", delta.pointer, delta.old, delta.new,
                  delta.direction or compatibility.direction, forward, backward, verdict, bump, level, delta.message,
                  delta.hint, source.file, line, change_id(rule.id, head.id or "?", where), element=pair.element)


def compare(base: Contract | None, head: Contract | None, options: DiffOptions = DiffOptions(),
            accepted: Mapping[str, str] | None = None,
            earlier: Callable[[], Sequence[Contract]] | None = None) -> ContractDiff:
    """The diff of one contract: added, deleted, changed or unchanged, with its version gate.

    `earlier` gives the earlier versions (transitive modes) whose breaking changes are added too. It is called only
    for a contract that changed, because finding those versions reads git history.
    """
    from dativo_check.diff.normal import content_hash

    accepted = accepted or {}
    if base is None and head is None:
        raise ValueError("nothing to compare")
    if base is None:
        return ContractDiff(head.id or "?", ADDED, head.file, None, None, head.version, (), Bump.NONE, None,
                            head.version, True, head_hash=content_hash(head.data), head_contract=head)
    if head is None:
        return _deleted(base, options, accepted)
    base_hash, head_hash = content_hash(base.data), content_hash(head.data)
    if base_hash == head_hash and base.file == head.file:
        return ContractDiff(head.id or "?", UNCHANGED, head.file, base.file, base.version, head.version, (),
                            Bump.NONE, Bump.NONE, head.version, True, (), base_hash, head_hash, base, head)
    changes = [_accept(change, accepted) for change in detect(base, head, options)]
    if earlier is not None:
        changes += _transitive(changes, earlier(), head, options, accepted)
    required = Bump.largest(change.bump for change in changes if change.accepted is None)
    result = gate.check(base, head, required, changes)
    changes = [_covered(change, result.actual_bump, base, head) for change in changes]
    status = CHANGED if changes or result.actual_bump not in (None, Bump.NONE) else UNCHANGED
    return ContractDiff(head.id or base.id or "?", status, head.file, base.file, base.version, head.version,
                        tuple(changes), required, result.actual_bump, result.next_version, result.version_ok,
                        tuple(result.findings), base_hash, head_hash, base, head)


def _accept(change: Change, accepted: Mapping[str, str]) -> Change:
    import dataclasses

    reason = accepted.get(change.id)
    if reason is None:
        return change
    return dataclasses.replace(change, accepted=reason, level=Level.INFO)


def _transitive(changes: list[Change], earlier: Sequence[Contract], head: Contract, options: DiffOptions,
                accepted: Mapping[str, str]) -> list[Change]:
    """Breaking changes against earlier versions that the comparison with the direct predecessor does not show."""
    import dataclasses

    seen = {change.id for change in changes}
    extra: list[Change] = []
    for version in earlier:
        for change in detect(version, head, options):
            if change.verdict is Verdict.BREAKS and change.id not in seen:
                seen.add(change.id)
                extra.append(_accept(dataclasses.replace(
                    change, message=f"against {version.version}: {change.message}"), accepted))
    return extra


def _covered(change: Change, actual: Bump | None, base: Contract, head: Contract) -> Change:
    """A change the declared version already carries is accepted (info); drafts never fail the gate."""
    import dataclasses

    old = gate.parse(base.version)
    if actual is not None and old is not None and actual.rank >= gate.effective(change.bump, old).rank:
        return dataclasses.replace(change, covered=True, level=Level.INFO)
    level = gate.softened(change.level, head)
    return change if level is change.level else dataclasses.replace(change, level=level)


def not_compared(known: Contract, reason: str, base_file: str | None = None, head_known: bool = True) -> ContractDiff:
    """A contract that cannot be compared with its other side: its gate fails and the finding says why. `known`
    is the side that could be read: the head (its base is unreadable or ambiguous) or, with `head_known` False,
    the base (the head copy is unreadable)."""
    from dativo_check.diff.normal import content_hash

    finding = known.finding(gate.NOT_COMPARED.id, gate.NOT_COMPARED.level, f"cannot compare: {reason}", "/id",
                            hint="the version gate cannot judge this change; fix the cause and run the check again")
    if not head_known:
        return ContractDiff(known.id or "?", NOT_COMPARED, known.file, known.file, known.version, None, (),
                            Bump.NONE, None, None, False, (finding,), base_hash=content_hash(known.data),
                            base_contract=known)
    return ContractDiff(known.id or "?", NOT_COMPARED, known.file, base_file, None, known.version, (), Bump.NONE,
                        None, None, False, (finding,), head_hash=content_hash(known.data), head_contract=known)


def _deleted(base: Contract, options: DiffOptions, accepted: Mapping[str, str]) -> ContractDiff:
    from dativo_check.diff.normal import content_hash

    rule = next(rule for rule in all_rules() if rule.id == "contract-deleted")
    pair = walk.Pair(walk.CONTRACT, "contract", walk.Side(base.data, ""), None)
    changes = [_accept(_change(rule, delta, pair, base, base, options), accepted) for delta in rule.detect(pair)]
    required = Bump.largest(change.bump for change in changes if change.accepted is None)
    return ContractDiff(base.id or "?", DELETED, None, base.file, base.version, None, tuple(changes), required, None,
                        None, not any(change.breaking for change in changes), base_hash=content_hash(base.data),
                        base_contract=base)


def breaking(diffs: Iterable[ContractDiff]) -> bool:
    return any(diff.breaking for diff in diffs)


def summary(diffs: Iterable[ContractDiff]) -> dict[str, Any]:
    diffs = list(diffs)
    return {
        "required_bump": Bump.largest(diff.required_bump for diff in diffs).value,
        "breaking": breaking(diffs),
        "version_ok": all(diff.version_ok for diff in diffs),
    }
