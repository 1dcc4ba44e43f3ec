"""JSON pointers (RFC 6901), the one way every stage names a place inside a contract."""

from __future__ import annotations


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.lstrip("/").split("/")]


def join_pointer(*tokens: object) -> str:
    return "".join("/" + str(token).replace("~", "~0").replace("/", "~1") for token in tokens)
