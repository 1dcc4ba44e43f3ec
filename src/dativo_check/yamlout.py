"""Deterministic, block-style YAML that both YAML 1.1 readers (PyYAML, dbt) and our YAML 1.2 loader read back
to the same data."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


def dump(data: Any) -> str:
    import yaml

    return yaml.dump(data, Dumper=_dumper(), sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=120)


@lru_cache(maxsize=None)
def _dumper() -> type:
    import yaml

    from dativo_check.contract.loader import FLOAT_PATTERN, INT_PATTERN

    class BlockDumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
            return super().increase_indent(flow, False)  # lists indented under their key

        def ignore_aliases(self, data: Any) -> bool:
            return True

    def represent_str(dumper: Any, value: str) -> Any:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    BlockDumper.add_representer(str, represent_str)
    # SafeDumper already quotes what YAML 1.1 would not read as text (yes, no, dates); these add what YAML 1.2 core
    # reads as numbers (`0o17`, `1e5`).
    BlockDumper.add_implicit_resolver("tag:yaml.org,2002:int", INT_PATTERN, list("-+0123456789"))
    BlockDumper.add_implicit_resolver("tag:yaml.org,2002:float", FLOAT_PATTERN, list("-+0123456789."))
    return BlockDumper
