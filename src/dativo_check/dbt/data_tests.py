"""What a contract promises about its data, as dbt data tests.

Column tests: `not_null` (required, single-column primary key, nullCheck rules), `unique` (unique, single-column
primary key, uniqueCheck rules), `accepted_values` (valid-values rules), `relationships` (references),
`dativo_accepted_range` (minimum/maximum, range rules), `dativo_length_between` (minLength/maxLength) and
`dativo_retention` (the retention SLA, on the load-time column). Table tests: `dativo_unique_combination`
(composite primary keys) and `dativo_row_count` (rowCount rules). SQL quality rules become singular tests.
Generic tests named `dativo_*` are generated into `tests/generic/`, so no dbt package is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping, Sequence

from dativo_check.contract.model import Property, mapping
from dativo_check.dbt.names import inert, sql_column
from dativo_check.diff.quality import valid_values
from dativo_check.durations import DAY, HOUR, MINUTE, MONTH, YEAR, duration_seconds

_NULL_RULES = {"nullcheck", "notnull", "nullvalues", "completeness"}
_UNIQUE_RULES = {"uniquecheck", "unique", "duplicatecount", "duplicatevalues", "uniqueness"}
_VALID_RULES = {"validvalues", "invalidvalues", "acceptedvalues"}
_RANGE_RULES = {"rangecheck", "range", "between", "valuerange", "mincheck", "maxcheck"}
_COUNT_RULES = {"rowcount", "countcheck"}


@dataclass(frozen=True)
class Test:
    """One dbt data test: its name, arguments and severity; rendered in dbt's current property syntax."""

    name: str
    arguments: tuple[tuple[str, Any], ...] = ()
    severity: str = "error"

    def render(self, models: bool = False) -> Any:
        """The test in a property file; a target table argument becomes `source(...)` or, for models, `ref(...)`."""
        body: dict[str, Any] = {}
        if self.arguments:
            body["arguments"] = {key: value.relation(models) if hasattr(value, "relation") else value
                                 for key, value in self.arguments}
        if self.severity != "error":
            body["config"] = {"severity": self.severity}
        return {self.name: body} if body else self.name

    @property
    def key(self) -> tuple:
        """What makes two tests the same test; severity aside."""
        return self.name, self.arguments


@dataclass(frozen=True)
class SingularTest:
    """A SQL quality rule as a singular test: the rows it returns are the failures."""

    name: str
    sql: str
    severity: str = "error"

    @property
    def text(self) -> str:
        config = "{{ config(severity='warn') }}\n" if self.severity == "warn" else ""
        return config + self.sql


@dataclass
class Plan:
    """The tests of one table, and the quality rules that have no dbt form (with the reason)."""

    columns: dict[str, list[Test]] = field(default_factory=dict)
    table: list[Test] = field(default_factory=list)
    singular: list[SingularTest] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # the column that says when a row arrived: the retention test and the source freshness both read it
    loaded_at: str | None = None

    def add(self, column: str, test: Test) -> None:
        tests = self.columns.setdefault(column, [])
        same = next((index for index, known in enumerate(tests) if known.key == test.key), None)
        if same is None:
            tests.append(test)
        elif test.severity == "error":
            tests[same] = test  # the stricter of two identical tests wins


def severity(rule: Mapping[str, Any]) -> str:
    return "error" if str(rule.get("severity", "error")).lower() == "error" else "warn"


def _kind(rule: Mapping[str, Any]) -> str:
    return re.sub(r"[^a-z]", "", str(rule.get("rule") or rule.get("metric") or "").lower())


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def column_tests(plan: Plan, prop: Property, column: str, single_key: bool,
                 relation: tuple[Any, str] | None) -> None:
    """Tests that follow from one property's own fields and its quality rules."""
    if prop.required or single_key:
        plan.add(column, Test("not_null"))
    if prop.unique or single_key:
        plan.add(column, Test("unique"))
    options = mapping(prop.get("logicalTypeOptions"))
    bounds = _bounds(options)
    if bounds:
        plan.add(column, Test("dativo_accepted_range", bounds))
    lengths = tuple((key, options[source]) for key, source in (("min_length", "minLength"),
                                                              ("max_length", "maxLength"))
                    if _number(options.get(source)))
    if lengths:
        plan.add(column, Test("dativo_length_between", lengths))
    if relation is not None:
        target, field_name = relation
        plan.add(column, Test("relationships", (("to", target), ("field", field_name))))
    for index, rule in enumerate(prop.quality):
        _quality_rule(plan, rule, column, f"{prop.path} quality rule {index + 1}")


def _bounds(options: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    found: list[tuple[str, Any]] = []
    for key, exclusive, name, inclusive_name in (("minimum", "exclusiveMinimum", "min_value", "min_inclusive"),
                                                 ("maximum", "exclusiveMaximum", "max_value", "max_inclusive")):
        value, flag = options.get(key), options.get(exclusive)
        if _number(flag) and not _number(value):
            value, flag = flag, True  # v3.1 writes the exclusive bound as a number
        if _number(value):
            found.append((name, value))
            if flag is True:
                found.append((inclusive_name, False))
    return tuple(found)


def _quality_rule(plan: Plan, rule: Mapping[str, Any], column: str, label: str) -> None:
    kind, level = _kind(rule), severity(rule)
    if rule.get("type") == "sql":
        return  # singular tests are planned by the caller, which knows the relation
    if rule.get("type") == "custom":
        plan.skipped.append((label, "custom quality rules run in their own engine"))
    elif kind in _VALID_RULES:
        values = valid_values(rule)
        if values:
            numeric = all(_number(value) for value in values)
            arguments = (("values", list(values)),) + ((("quote", False),) if numeric else ())
            plan.add(column, Test("accepted_values", arguments, level))
        else:
            plan.skipped.append((label, "a valid-values rule without values"))
    elif kind in _NULL_RULES and _zero_tolerance(rule):
        plan.add(column, Test("not_null", (), level))
    elif kind in _UNIQUE_RULES and _zero_tolerance(rule):
        plan.add(column, Test("unique", (), level))
    elif kind in _RANGE_RULES:
        arguments = _threshold_bounds(rule, "value")
        if arguments:
            plan.add(column, Test("dativo_accepted_range", arguments, level))
        else:
            plan.skipped.append((label, "a range rule without numeric bounds"))
    else:
        plan.skipped.append((label, f"no dbt test for the quality rule {kind or 'without a rule name'!r} "
                                    "(thresholds on rates or counts are not translated)"))


def table_quality(plan: Plan, rules: Sequence[Mapping[str, Any]], label: str) -> None:
    for index, rule in enumerate(rules):
        kind = _kind(rule)
        where = f"{label} quality rule {index + 1}"
        if rule.get("type") == "sql":
            continue
        if kind in _COUNT_RULES:
            arguments = _threshold_bounds(rule, "count")
            if arguments:
                plan.table.append(Test("dativo_row_count", arguments, severity(rule)))
                continue
        plan.skipped.append((where, f"no dbt test for the table rule {kind or 'without a rule name'!r}"))


def _zero_tolerance(rule: Mapping[str, Any]) -> bool:
    """A null or duplicate check maps onto not_null / unique only when it allows none at all."""
    thresholds = [rule.get(key) for key in ("mustBe", "mustBeLessThan", "mustBeLessOrEqualTo")
                  if rule.get(key) is not None]
    if not thresholds:
        return True
    return rule.get("mustBe") == 0 or rule.get("mustBeLessThan") == 1 or rule.get("mustBeLessOrEqualTo") == 0


def _threshold_bounds(rule: Mapping[str, Any], what: str) -> tuple[tuple[str, Any], ...]:
    low_name, high_name = f"min_{what}", f"max_{what}"
    found: list[tuple[str, Any]] = []
    between = rule.get("mustBeBetween")
    if isinstance(between, list) and len(between) == 2 and all(map(_number, between)):
        return ((low_name, between[0]), (high_name, between[1]))
    if _number(rule.get("mustBeGreaterOrEqualTo")):
        found.append((low_name, rule["mustBeGreaterOrEqualTo"]))
    elif _number(rule.get("mustBeGreaterThan")):
        found += _exclusive(low_name, rule["mustBeGreaterThan"], what, lower=True)
    if _number(rule.get("mustBeLessOrEqualTo")):
        found.append((high_name, rule["mustBeLessOrEqualTo"]))
    elif _number(rule.get("mustBeLessThan")):
        found += _exclusive(high_name, rule["mustBeLessThan"], what, lower=False)
    return tuple(found)


def _exclusive(name: str, value: Any, what: str, lower: bool) -> list[tuple[str, Any]]:
    if what == "count":  # counts are whole numbers: > 0 means >= 1
        return [(name, value + 1 if lower else value - 1)]
    return [(name, value), ("min_inclusive" if lower else "max_inclusive", False)]


# dbt dateparts, largest first, sized by the product's calendar (a month is a twelfth of 365.25 days)
_DATEPARTS = tuple((part, round(size)) for part, size in (("year", YEAR), ("month", MONTH), ("day", DAY),
                                                           ("hour", HOUR), ("minute", MINUTE), ("second", 1.0)))


def retention(sla: Mapping[str, Any] | None) -> tuple[int, str] | None:
    """The retention SLA as (count, datepart) for `dativo_retention`, in the largest datepart that measures it whole.

    It is read as every SLA duration is (`dativo_check.durations`: `P6M`, `1 y`, `m` minutes, a bare number days),
    so dbt tests the retention the diff compares and the cost estimate prices.
    """
    seconds = duration_seconds(sla.get("value"), sla.get("unit")) if sla else None
    if seconds is None:
        return None
    whole = round(seconds)
    return next((whole // size, part) for part, size in _DATEPARTS if whole % size == 0)


def singular_sql(rule: Mapping[str, Any], relation: str, column: str | None, tables: Mapping[str, str]) -> str | None:
    """A SQL quality rule as a singular test, or None when its threshold cannot be expressed.

    `${object}` and `${property}` become the dbt relation and column, the names of the contract's tables (`tables`:
    name or physical name -> relation) become their relations; everything else of the query is kept as written,
    with any Jinja in it made inert.
    """
    query = rule.get("query")
    condition = _failure_condition(rule)
    if not isinstance(query, str) or not query.strip() or condition is None:
        return None
    replacements = {"${object}": relation, "{object}": relation}
    if column is not None:
        replacements.update({"${property}": sql_column(column), "{property}": sql_column(column)})
    pieces = _splitter(tuple(replacements), tuple(sorted(tables, key=len, reverse=True))).split(
        query.strip().rstrip(";"))
    text = "".join((replacements.get(piece) or tables[piece]) if index % 2 else inert(piece)
                   for index, piece in enumerate(pieces))
    return f"select measured_value\nfrom (\n{text}\n) as measured(measured_value)\nwhere {condition}\n"


@lru_cache(maxsize=1024)
def _splitter(placeholders: tuple[str, ...], names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = [re.escape(token) for token in placeholders]
    alternatives += [rf"(?<![\w.]){re.escape(name)}(?![\w.])" for name in names]
    return re.compile(f"({'|'.join(alternatives)})")


def _failure_condition(rule: Mapping[str, Any]) -> str | None:
    value = "measured_value"
    checks = {
        "mustBe": "<>", "mustNotBe": "=", "mustBeGreaterThan": "<=", "mustBeGreaterOrEqualTo": "<",
        "mustBeLessThan": ">=", "mustBeLessOrEqualTo": ">",
    }
    parts = [f"{value} {operator} {rule[key]}" for key, operator in checks.items() if _number(rule.get(key))]
    for key, inside in (("mustBeBetween", True), ("mustNotBeBetween", False)):
        bounds = rule.get(key)
        if isinstance(bounds, list) and len(bounds) == 2 and all(map(_number, bounds)):
            low, high = bounds
            parts.append(f"({value} < {low} or {value} > {high})" if inside else
                         f"({value} >= {low} and {value} <= {high})")
    return " or ".join(parts) if parts else None
