"""The versioned folder layout `specs/<source>/vMAJOR.MINOR/<object>.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass

# version numbers are bounded (18 digits fit any int64 and every version anybody writes), so that a hostile
# `version` never meets Python's limit on converting long digit strings
_LAYOUT = re.compile(
    r"^(?P<prefix>(?:.*/)?specs)/(?P<source>[^/]+)/v(?P<major>\d{1,18})\.(?P<minor>\d{1,18})/(?P<object>[^/]+)\."
    r"(?P<ext>ya?ml)$"
)


@dataclass(frozen=True)
class LayoutPath:
    prefix: str
    source: str
    major: int
    minor: int
    object: str
    ext: str

    @property
    def folder(self) -> str:
        return f"v{self.major}.{self.minor}"

    @property
    def series(self) -> tuple[str, str, str]:
        """What stays the same across versions of one contract: where it lives and what it is called."""
        return self.prefix, self.source, self.object

    def with_version(self, major: int, minor: int) -> str:
        return f"{self.prefix}/{self.source}/v{major}.{minor}/{self.object}.{self.ext}"


def parse(path: str) -> LayoutPath | None:
    match = _LAYOUT.match(path)
    if match is None:
        return None
    return LayoutPath(match["prefix"], match["source"], int(match["major"]), int(match["minor"]), match["object"],
                      match["ext"])


def major_minor(version: str | None) -> tuple[int, int] | None:
    match = re.match(r"^(\d{1,18})\.(\d{1,18})\.\d+", version or "")
    return (int(match[1]), int(match[2])) if match else None
