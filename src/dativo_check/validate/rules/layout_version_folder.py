"""A contract in the `specs/<source>/vMAJOR.MINOR/<object>.yaml` layout lives in the folder of its version.

In the versioned layout each released MAJOR.MINOR has its own folder, so consumers can pin a version by path and the
breaking-change check can compare a new folder with the previous one. A `1.1.0` contract in `v1.0/` breaks that
promise; the finding says where to move it. The layout is Dativo's convention, not the standard's, and files
outside it are never checked; but in it, a folder and a version that disagree mean one of them is certainly wrong,
and the version gate reads both: an error.

PASS:

    # file: specs/stripe/v1.1/customers.yaml
    version: 1.1.0

FAIL:

    # file: specs/stripe/v1.0/customers.yaml
    version: 1.1.0
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract import layout

ID = "layout-version-folder"
LEVEL = "error"
CATEGORY = "repository"


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    placed = layout.parse(contract.file)
    declared = layout.major_minor(contract.version)
    if placed is None or declared is None or (placed.major, placed.minor) == declared:
        return
    target = placed.with_version(*declared)
    folder = target.rsplit("/", 1)[0] + "/"
    yield Violation("/version", f"version {contract.version} does not match its folder {placed.folder}",
                    hint=f"move the file to {folder}")
