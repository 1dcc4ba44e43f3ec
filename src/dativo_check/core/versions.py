"""Semantic versions of contracts: parsing that never raises, and an ordering for lists of versions."""

from __future__ import annotations

from typing import Any


def parse(version: Any):
    """The `semver.Version` a text names, or None for anything that is not MAJOR.MINOR.PATCH[-pre][+build]."""
    import semver

    try:
        return semver.Version.parse(version) if isinstance(version, str) else None
    except ValueError:
        return None


def sort_key(version: Any) -> tuple:
    """Orders versions by precedence; anything that is not semantic versioning sorts first."""
    parsed = parse(version)
    if parsed is None:
        return (0, 0, 0, 0, "")
    # a release sorts after its pre-releases
    return (1, parsed.major, parsed.minor, parsed.patch, parsed.prerelease or "~")
