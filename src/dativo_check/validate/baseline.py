"""New or existing: which findings a change introduced, and which its base already had.

A pull request fails for what it changed, not for what it inherited. A head finding is existing when the base copy
of the same contract has a finding of the same rule at the same JSON pointer, or, when list positions shifted
(a property inserted above), one with the same message. Lines are never compared: moving text does not make a
finding new. Each base finding vouches for at most one head finding, so a second copy of a problem is new.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable, Mapping, Sequence

from dativo_check.core.model import Finding


def mark_new(head: Iterable[Finding], base: Sequence[Finding], base_file_of: Mapping[str, str]) -> list[Finding]:
    """`head` findings with `new` set; `base_file_of` names, for each head file, the file of its base copy (a head
    file without one is new, and so is everything found in it)."""
    by_pointer: dict[tuple[str, str, str], list[int]] = {}
    by_message: dict[tuple[str, str, str], list[int]] = {}
    for position, finding in enumerate(base):
        by_pointer.setdefault((finding.rule, finding.file, finding.path), []).append(position)
        by_message.setdefault((finding.rule, finding.file, finding.message), []).append(position)
    used: set[int] = set()
    marked = []
    for finding in head:
        base_file = base_file_of.get(finding.file)
        match = None
        if base_file is not None:
            match = (_take(by_pointer.get((finding.rule, base_file, finding.path)), used)
                     if finding.path else None)
            if match is None:
                match = _take(by_message.get((finding.rule, base_file, finding.message)), used)
        marked.append(dataclasses.replace(finding, new=match is None))
    return marked


def _take(candidates: list[int] | None, used: set[int]) -> int | None:
    for position in candidates or ():
        if position not in used:
            used.add(position)
            return position
    return None
