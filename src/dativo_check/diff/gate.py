"""The version gate: a contract's own `version` must carry the bump its changes need."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

from dativo_check.contract.model import Contract
from dativo_check.core.model import Bump, Change, Finding, Level
from dativo_check.core.ruledoc import from_text
from dativo_check.core.versions import parse

UNDER_BUMP = from_text("version-under-bumped", "error", "gate", "version", """
    The version bump is at least the bump the changes need.

    Each change needs a bump (a breaking change under the active compatibility mode needs a major one). A contract
    whose version went up by less than that misleads every consumer who pins a major version; the finding names the
    smallest correct version and the changes that force it. In 0.x versions a breaking change needs a minor bump.

    PASS:

        # base: version 1.2.0; head removes a property
        version: 2.0.0

    FAIL:

        # base: version 1.2.0; head removes a property
        version: 1.3.0
""")

NOT_BUMPED = from_text("version-not-bumped", "error", "gate", "version", """
    A contract that changed has a new version.

    Any change that needs a bump (even a description, which needs a patch) must come with a new `version`, so that
    consumers and caches can tell the versions apart. The finding gives the version to write.

    PASS:

        # base: version 1.2.0; head rewrites a description
        version: 1.2.1

    FAIL:

        # base: version 1.2.0; head rewrites a description
        version: 1.2.0
""")

DECREASED = from_text("version-decreased", "error", "gate", "version", """
    The version never goes down.

    A head version lower than the base version breaks ordering for every tool that resolves "the latest" contract.

    PASS:

        # base: version 1.2.0
        version: 1.2.1

    FAIL:

        # base: version 1.2.0
        version: 1.1.9
""")

INVALID = from_text("version-invalid", "error", "gate", "version", """
    Both versions being compared are semantic versions.

    The bump between two versions can only be judged when both are MAJOR.MINOR.PATCH. A head version that is not is
    an error; a base version that is not is reported as a warning and the gate is skipped for that contract.

    PASS:

        # base: version 1.2.0
        version: 1.3.0

    FAIL:

        # base: version 1.2.0
        version: "1.3"
""")

OVER_BUMP = from_text("version-over-bumped", "warning", "gate", "version", """
    The version bump is not larger than the changes need.

    Bumping the major version for a compatible change makes consumers do migration work for nothing. This is a
    warning: the version is allowed, but the finding says which smaller version would do.

    PASS:

        # base: version 1.2.0; head adds an optional property
        version: 1.3.0

    FAIL:

        # base: version 1.2.0; head adds an optional property
        version: 2.0.0
""")

IN_PLACE = from_text("version-folder-in-place", "error", "gate", "layout", """
    Minor and major changes go into a new version folder, not into a released one.

    In the `specs/<source>/vMAJOR.MINOR/<object>.yaml` layout a released folder is what consumers pin. A change that
    needs a minor or major bump, made in place, silently changes what they pinned. Create the new folder (for
    example `v1.1/`) with the changed contract and leave the released one as it was; `dativo-check bump --write`
    does both.

    PASS:

        # base: specs/stripe/v1.0/customers.yaml at 1.0.0
        # head: specs/stripe/v1.1/customers.yaml at 1.1.0 adds a property; v1.0/ unchanged
        version: 1.1.0

    FAIL:

        # base: specs/stripe/v1.0/customers.yaml at 1.0.0
        # head: the same file adds a property in place
        version: 1.0.1
""")

ALLOWLIST_EXPIRED = from_text("allowlist-expired", "warning", "gate", "allowlist", """
    Allowlist entries have not expired.

    An allowlist entry accepts one specific change (by its stable id) with a reason and an expiry date. After the
    expiry date the entry no longer accepts anything, and is reported so that someone decides again.

    PASS:

        allowlist:
          - {id: property-removed@3f2a9c1d0b, reason: "legacy column, no readers (JIRA-123)", expires: 2999-01-01}

    FAIL:

        allowlist:
          - {id: property-removed@3f2a9c1d0b, reason: "legacy column, no readers (JIRA-123)", expires: 2020-01-01}
""")

ALLOWLIST_UNUSED = from_text("allowlist-unused", "warning", "gate", "allowlist", """
    Every allowlist entry matches a change.

    An entry that matches no change in the diff has done its job (the change shipped) or has a typo in its id;
    either way it should go, so that it cannot accept a future change by accident.

    PASS:

        # the diff contains the change property-removed@3f2a9c1d0b
        allowlist: [{id: property-removed@3f2a9c1d0b, reason: no readers, expires: 2999-01-01}]

    FAIL:

        # the diff contains no such change
        allowlist: [{id: property-removed@3f2a9c1d0b, reason: no readers, expires: 2999-01-01}]
""")

ID_MISMATCH = from_text("diff-id-mismatch", "warning", "gate", "version", """
    The two files `diff OLD NEW` compares are versions of the same contract.

    Comparing two different contracts (different `id`s) produces a diff, but not one anybody should gate a release
    on; the finding says so. With `--base`, contracts are paired by id and this cannot happen.

    PASS:

        # old.yaml: id: stripe-customers    new.yaml: id: stripe-customers
        id: stripe-customers

    FAIL:

        # old.yaml: id: stripe-customers    new.yaml: id: hubspot-contacts
        id: hubspot-contacts
""")

NOT_COMPARED = from_text("diff-not-compared", "error", "gate", "version", """
    A changed contract can be compared with its base.

    A gate that says "safe" when it could not tell is worse than none. When the base copy of a contract cannot be
    read (it is not valid UTF-8 or YAML, or exceeds the limits), or two files of the head claim the same contract (the
    same `id` and `version`), there is nothing trustworthy to compare with: the contract is reported as not compared,
    with the reason, and its version gate fails instead of the contract passing as new. Fix the base in its own pull
    request, or give each contract its own id.

    PASS:

        # base: specs/stripe/v1.0/customers.yaml reads as YAML
        id: stripe-customers
        version: 1.0.1

    FAIL:

        # base: specs/stripe/v1.0/customers.yaml is not valid UTF-8
        id: stripe-customers
        version: 1.0.1
""")

RULES = (UNDER_BUMP, NOT_BUMPED, DECREASED, INVALID, OVER_BUMP, IN_PLACE, ALLOWLIST_EXPIRED, ALLOWLIST_UNUSED,
         ID_MISMATCH, NOT_COMPARED)
_DRAFT = ("draft", "proposed")


@dataclass(frozen=True)
class GateResult:
    actual_bump: Bump | None
    next_version: str | None
    version_ok: bool
    findings: tuple[Finding, ...]


def bump_between(old, new) -> Bump | None:
    """The bump from one version to another; None when the version went down."""
    old_core, new_core = (old.major, old.minor, old.patch), (new.major, new.minor, new.patch)
    if new_core < old_core or (new_core == old_core and new.compare(old) < 0):
        return None
    if new.major != old.major:
        return Bump.MAJOR
    if new.minor != old.minor:
        return Bump.MINOR
    if new.patch != old.patch or new.compare(old) != 0:
        return Bump.PATCH
    return Bump.NONE


def effective(required: Bump, base) -> Bump:
    """In 0.x a breaking change needs only a minor bump."""
    return Bump.MINOR if required is Bump.MAJOR and base.major == 0 else required


def next_version(base, required: Bump) -> str:
    bump = effective(required, base)
    if bump is Bump.MAJOR:
        return str(base.bump_major())
    if bump is Bump.MINOR:
        return str(base.bump_minor())
    if bump is Bump.PATCH:
        return str(base.bump_patch())
    return str(base)


def check(base: Contract, head: Contract, required: Bump, changes: Sequence[Change]) -> GateResult:
    old, new = parse(base.version), parse(head.version)
    findings: list[Finding] = []

    def report(rule, message: str, hint: str | None = None, level: Level | None = None) -> None:
        findings.append(head.finding(rule.id, level or rule.level, message, "/version", hint))

    if old is None:
        report(INVALID, f"base version {_written(base)} is not a semantic version; the version gate is skipped",
               level=Level.WARNING)
        return GateResult(None, None, True, soften(findings, head))
    suggested = next_version(old, required)
    if new is None:
        report(INVALID, f"version {_written(head)} is not a semantic version", hint=f"write {suggested}")
        return GateResult(None, suggested, False, soften(findings, head))
    actual = bump_between(old, new)
    needed = effective(required, old)
    forcing = [change for change in changes if change.bump is required and change.accepted is None]
    because = "; ".join(f"{change.rule}: {change.message}" for change in forcing[:3])
    if len(forcing) > 3:
        because += f"; and {len(forcing) - 3} more"
    if actual is None:
        report(DECREASED, f"version went down from {old} to {new}", hint=f"write {suggested}")
    elif needed is not Bump.NONE and actual is Bump.NONE:
        report(NOT_BUMPED, f"the contract changed but its version is still {new}; the changes need a {needed.value} "
                           f"bump ({because})", hint=f"set version to {suggested}")
    elif actual.rank < needed.rank:
        report(UNDER_BUMP, f"version {old} -> {new} is a {actual.value} bump but the changes need {needed.value} "
                           f"({because})", hint=f"set version to {suggested}")
    elif actual.rank > needed.rank and not (required is Bump.MAJOR and actual is Bump.MAJOR):
        report(OVER_BUMP, f"version {old} -> {new} is a {actual.value} bump but the changes need only "
                          f"{needed.value}", hint=f"{suggested} would do" if needed is not Bump.NONE else None)
    ok = not any(finding.level is Level.ERROR for finding in findings)
    return GateResult(actual, suggested, ok, soften(findings, head))


def _written(contract: Contract) -> str:
    """The version as the file has it, even when YAML read it as a number (`1.0`)."""
    text = contract.document.source_text("/version")
    return repr(text) if text is not None else "(missing)"


def is_draft(contract: Contract) -> bool:
    return contract.status in _DRAFT


def softened(level: Level, head: Contract) -> Level:
    """Draft and proposed contracts are still being designed: what would fail the gate is a warning."""
    return Level.WARNING if level is Level.ERROR and is_draft(head) else level


def soften(findings: Sequence[Finding], head: Contract) -> tuple[Finding, ...]:
    """Gate findings of a draft or proposed contract, errors made warnings that say why."""
    return tuple(dataclasses.replace(finding, level=Level.WARNING,
                                     message=f"{finding.message} (warning only: the contract is {head.status})")
                 if softened(finding.level, head) is not finding.level else finding for finding in findings)
