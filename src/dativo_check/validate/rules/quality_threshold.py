"""Quality rule thresholds are well-formed: ranges ascend, bounds leave room, percentages stay within 0-100.

A quality rule whose threshold can never be met (or always is) is worse than none: it fails every run or guards
nothing. `mustBeBetween` and `mustNotBeBetween` take the smallest number first; a lower bound
(`mustBeGreaterThan`, `mustBeGreaterOrEqualTo`) must lie below an upper bound on the same rule; `unit: percent`
thresholds lie between 0 and 100; a valid-values rule lists at least one value. ODCS defines these keys as
comparisons with the measured value, so bounds that no value can satisfy are a certain defect: an error.

PASS:

    schema:
      - name: orders
        properties:
          - name: quantity
            quality:
              - type: library
                rule: between
                mustBeBetween: [1, 1000]

FAIL:

    schema:
      - name: orders
        properties:
          - name: quantity
            quality:
              - type: library
                rule: between
                mustBeBetween: [1000, 1]
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

ID = "quality-threshold"
LEVEL = "error"
CATEGORY = "structure"

_LOWER = ("mustBeGreaterThan", "mustBeGreaterOrEqualTo")
_UPPER = ("mustBeLessThan", "mustBeLessOrEqualTo")
_THRESHOLDS = _LOWER + _UPPER + ("mustBe", "mustNotBe")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def quality_rules(contract) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """Every quality rule of a contract with its pointer and the name of what it guards."""
    for obj in contract.schema:
        for index, rule in enumerate(obj.quality):
            yield f"{obj.pointer}/quality/{index}", obj.name or "?", rule
        for prop in obj.walk_properties():
            for index, rule in enumerate(prop.quality):
                yield f"{prop.pointer}/quality/{index}", prop.path, rule


def check(contract, context) -> Iterator:
    for pointer, subject, rule in quality_rules(contract):
        yield from _check_rule(pointer, subject, rule)


def _check_rule(pointer: str, subject: str, rule: Mapping[str, Any]) -> Iterator:
    from dativo_check.validate.rules import Violation

    for key in ("mustBeBetween", "mustNotBeBetween"):
        bounds = rule.get(key)
        if isinstance(bounds, list) and len(bounds) == 2 and all(map(_number, bounds)) and bounds[0] >= bounds[1]:
            yield Violation(f"{pointer}/{key}", f"{subject}: {key} {bounds} is not ascending",
                            hint=f"write the smallest number first: [{bounds[1]}, {bounds[0]}]")
    lowers = [(key, rule[key]) for key in _LOWER if _number(rule.get(key))]
    uppers = [(key, rule[key]) for key in _UPPER if _number(rule.get(key))]
    for low_key, low in lowers:
        for high_key, high in uppers:
            both_inclusive = low_key.endswith("OrEqualTo") and high_key.endswith("OrEqualTo")
            if low > high or (low == high and not both_inclusive):
                yield Violation(f"{pointer}/{high_key}",
                                f"{subject}: {low_key} {low} and {high_key} {high} leave no valid value",
                                hint="swap or correct the bounds")
    if rule.get("unit") == "percent":
        for key in _THRESHOLDS + ("mustBeBetween", "mustNotBeBetween"):
            values = rule.get(key)
            for value in values if isinstance(values, list) else [values]:
                if _number(value) and not 0 <= value <= 100:
                    yield Violation(f"{pointer}/{key}", f"{subject}: {key} {value} is outside 0-100 for unit percent")
    if rule.get("rule") == "validValues" or rule.get("metric") == "invalidValues":
        values = rule.get("validValues")
        if values is None:
            arguments = rule.get("arguments")
            values = arguments.get("validValues") if isinstance(arguments, dict) else None
        if not isinstance(values, list) or not values:
            yield Violation(pointer, f"{subject}: a valid-values rule lists no validValues",
                            hint="list the accepted values under validValues")
