"""What a contract promises about its data, as dbt data tests.

Column tests: `not_null` (required, single-column primary key, null-count rules), `unique` (unique, single-column
primary key, duplicate-count rules), `accepted_values` (valid-values rules), `relationships` (references),
`dativo_accepted_range` (minimum/maximum, range rules), `dativo_length_between` (minLength/maxLength) and
`dativo_retention` (the retention SLA, on the load-time column). A count tolerance (`mustBeLessOrEqualTo: 5`,
`unit: rows`) becomes the test's `error_if` / `warn_if`; a share (`unit: percent`) becomes `dativo_null_percent`,
`dativo_invalid_percent` or `dativo_duplicate_percent`. Table tests: `dativo_unique_combination` (composite primary
keys) and `dativo_row_count` (rowCount rules). SQL quality rules become singular tests. Generic tests named
`dativo_*` are generated into `tests/generic/`, so no dbt package is needed. A rule dbt cannot test as the contract
means it is reported (`Plan.skipped`), never made stricter or looser.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Mapping, Sequence

from dativo_check.contract.model import Property, mapping
from dativo_check.dbt.names import inert, sql_column
from dativo_check.diff.quality import valid_values
from dativo_check.core.durations import DAY, HOUR, MINUTE, MONTH, YEAR, duration_seconds

_NULL_RULES = {"nullcheck", "notnull", "nullvalues"}
_MISSING_RULES = {"missingvalues"}
_UNIQUE_RULES = {"uniquecheck", "unique", "duplicatecount", "duplicatevalues"}
_VALID_RULES = {"validvalues", "invalidvalues", "acceptedvalues"}
_RANGE_RULES = {"rangecheck", "range", "between", "valuerange", "mincheck", "maxcheck"}
_COUNT_RULES = {"rowcount", "countcheck"}

# ODCS's threshold operators, and the spellings the diff also reads (dativo_check.diff.quality) as them
_OPERATORS = {name: name for name in ("mustBe", "mustNotBe", "mustBeGreaterThan", "mustBeGreaterOrEqualTo",
                                      "mustBeLessThan", "mustBeLessOrEqualTo", "mustBeBetween", "mustNotBeBetween")}
_OPERATORS.update(mustBeGreaterThanOrEqualTo="mustBeGreaterOrEqualTo", mustBeLessThanOrEqualTo="mustBeLessOrEqualTo")
_OUTSIDE = ("mustNotBe", "mustNotBeBetween")
# the ends of the allowed range each other operator sets: (lower end inclusive, upper end inclusive), None for none
_ENDS: dict[str, tuple[bool | None, bool | None]] = {
    "mustBe": (True, True), "mustBeBetween": (True, True),  # between includes its bounds, as everywhere in dativo
    "mustBeGreaterThan": (False, None), "mustBeGreaterOrEqualTo": (True, None),
    "mustBeLessThan": (None, False), "mustBeLessOrEqualTo": (None, True),
}


class Unmapped(ValueError):
    """A quality rule that has no dbt test with the meaning the contract gives it; the message says why."""


@dataclass(frozen=True)
class Counts:
    """The numbers of failing rows a rule allows: `low` to `high` (None: no upper end), or with `outside` all others."""

    low: int = 0
    high: int | None = 0
    outside: bool = False

    def allows(self, count: int) -> bool:
        inside = self.low <= count and (self.high is None or count <= self.high)
        return inside != self.outside

    @property
    def condition(self) -> str:
        """When a failure count breaks the rule, as dbt's `error_if` / `warn_if` (SQL after the count)."""
        if self.outside:  # an excluded range always has both ends (mustNotBe, mustNotBeBetween)
            return f"={self.low}" if self.low == self.high else f"between {self.low} and {self.high}"
        if self.high is None:
            return f"<{self.low}"
        if self.low == self.high:
            return f"!={self.low}"
        return f">{self.high}" if self.low == 0 else f"not between {self.low} and {self.high}"


ZERO = Counts()


def _probes(*counts: Counts) -> set[int]:
    """Failure counts that stand for all others: whether a rule allows a count changes only at its ends."""
    ends = {end for allowed in counts for end in (allowed.low, allowed.high) if end is not None}
    return {0} | {count for end in ends for count in (end - 1, end, end + 1) if count >= 0}


@dataclass(frozen=True)
class Test:
    """One dbt data test: its name, arguments and severity; rendered in dbt's current property syntax.

    `allowed` is how many failing rows the rule tolerates at its severity, `warn_allowed` (on an error test) how
    many a warning rule on the same test tolerates; `fail_calc` counts failing rows where the test's query does not
    return one row per failing row.
    """

    name: str
    arguments: tuple[tuple[str, Any], ...] = ()
    severity: str = "error"
    allowed: Counts = ZERO
    warn_allowed: Counts | None = None
    fail_calc: str | None = None

    def render(self, models: bool = False) -> Any:
        """The test in a property file; a target table argument becomes `source(...)` or, for models, `ref(...)`."""
        body: dict[str, Any] = {}
        if self.arguments:
            body["arguments"] = {key: value.relation(models) if hasattr(value, "relation") else value
                                 for key, value in self.arguments}
        config = self._config()
        if config:
            body["config"] = config
        return {self.name: body} if body else self.name

    def _config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"severity": "warn"} if self.severity != "error" else {}
        warn = self.allowed if self.warn_allowed is None else self.warn_allowed
        if self.allowed == ZERO and warn == ZERO:
            return config  # dbt's default: any failing row fails (or warns)
        if self.fail_calc:
            config["fail_calc"] = self.fail_calc
        if self.severity == "error" and self.allowed != ZERO:
            config["error_if"] = self.allowed.condition
        # dbt warns on any failing row an error test tolerates unless warn_if says otherwise
        if warn != ZERO:
            config["warn_if"] = warn.condition
        return config

    @property
    def key(self) -> tuple:
        """What makes two tests the same test for dbt, which names a test by them; severity and tolerance aside."""
        return self.name, self.arguments

    def status(self, count: int) -> int:
        """What dbt reports when the test counts `count` failing rows: 0 pass, 1 warn, 2 error."""
        if not self.allowed.allows(count):
            return 2 if self.severity == "error" else 1
        return int(self.warn_allowed is not None and not self.warn_allowed.allows(count))

    def merged(self, other: Test) -> Test | None:
        """One test that reports what both report (dbt runs one test per name and arguments), or None."""
        candidates = [self, other]
        error, warn = (self, other) if self.severity == "error" else (other, self)
        if error.severity == "error" and warn.severity != "error" and error.warn_allowed is None:
            candidates.append(replace(error, warn_allowed=warn.allowed, fail_calc=error.fail_calc or warn.fail_calc))
        counts = [allowed for test in (self, other) for allowed in (test.allowed, test.warn_allowed)
                  if allowed is not None]
        probes = _probes(*counts)
        return next((candidate for candidate in candidates
                     if all(candidate.status(n) == max(self.status(n), other.status(n)) for n in probes)), None)


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

    def add(self, column: str, test: Test) -> bool:
        """Add a test, or merge it into the same test on the column; False when no one test keeps both."""
        tests = self.columns.setdefault(column, [])
        same = next((index for index, known in enumerate(tests) if known.key == test.key), None)
        if same is None:
            tests.append(test)
            return True
        merged = tests[same].merged(test)
        if merged is None:
            return False
        tests[same] = merged
        return True


def severity(rule: Mapping[str, Any]) -> str:
    return "error" if str(rule.get("severity", "error")).lower() == "error" else "warn"


def _kind(rule: Mapping[str, Any]) -> str:
    return re.sub(r"[^a-z]", "", str(rule.get("rule") or rule.get("metric") or "").lower())


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(map(_number, value))


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
    if rule.get("type") == "sql":
        return  # singular tests are planned by the caller, which knows the relation
    try:
        test = _rule_test(rule)
    except Unmapped as reason:
        plan.skipped.append((label, str(reason)))
        return
    if not plan.add(column, test):
        plan.skipped.append((label, f"{column} already has a {test.name} test with another threshold, and dbt "
                                    "runs one test per name and arguments"))


@dataclass(frozen=True)
class _Metric:
    """A count of failing values: the dbt test that finds them, and the dativo test that measures their share."""

    name: str
    test: str
    percent_test: str
    # how `test` counts failing rows under a tolerance; None where it returns one row per failing row
    fail_calc: str | None = None


_NULLS = _Metric("null values", "not_null", "dativo_null_percent")
# dbt's accepted_values returns one row per invalid value, unique one per repeated value, each with its n_records
_INVALID = _Metric("invalid values", "accepted_values", "dativo_invalid_percent", "coalesce(sum(n_records), 0)")
# duplicates are the rows that repeat a value another row has (rows minus distinct values, as Soda counts them)
_DUPLICATES = _Metric("duplicate values", "unique", "dativo_duplicate_percent",
                      "coalesce(sum(n_records) - count(*), 0)")
# named after the share of good values, so a threshold on them could be read either way
_SHARE_RULES = {"completeness": (_NULLS, "nullValues"), "uniqueness": (_DUPLICATES, "duplicateValues")}


def _rule_test(rule: Mapping[str, Any]) -> Test:
    kind = _kind(rule)
    if rule.get("type") == "custom":
        raise Unmapped("custom quality rules run in their own engine")
    if kind in _VALID_RULES:
        return _tolerance(rule, _INVALID, _valid_arguments(rule))
    if kind in _NULL_RULES:
        return _tolerance(rule, _NULLS)
    if kind in _MISSING_RULES:
        others = [value for value in mapping(rule.get("arguments")).get("missingValues") or [] if value is not None]
        if others:
            raise Unmapped(f"missing values other than null ({others!r}) have no dbt test")
        return _tolerance(rule, _NULLS)
    if kind in _UNIQUE_RULES:
        return _tolerance(rule, _DUPLICATES)
    if kind in _SHARE_RULES:
        metric, metric_name = _SHARE_RULES[kind]
        if _thresholds(rule):
            raise Unmapped(f"a threshold on {kind} may count the good values or the {metric.name}; "
                           f"metric {metric_name} says which")
        return Test(metric.test, (), severity(rule))
    if kind in _RANGE_RULES:
        arguments = _range_arguments(_threshold_bounds(_thresholds(rule)), "value")
        if not arguments:
            raise Unmapped("a range rule without numeric bounds")
        return Test("dativo_accepted_range", arguments, severity(rule))
    raise Unmapped(f"no dbt test for the quality rule {kind or 'without a rule name'!r}")


def _valid_arguments(rule: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    if mapping(rule.get("arguments")).get("pattern"):
        raise Unmapped("an invalidValues pattern has no portable dbt test")
    values = valid_values(rule)
    if not values:
        raise Unmapped("a valid-values rule without values")
    # null is never an invalid value (accepted_values passes it), and listed it would become the text 'None'
    listed = [value for value in values if value is not None]
    if not listed:
        raise Unmapped("a valid-values rule that lists only null")
    numeric = all(_number(value) for value in listed)
    return (("values", listed),) + ((("quote", False),) if numeric else ())


def _tolerance(rule: Mapping[str, Any], metric: _Metric, arguments: tuple[tuple[str, Any], ...] = ()) -> Test:
    """The test of a rule that counts failing values: a count becomes the test's config, a share a dativo test."""
    level, thresholds = severity(rule), _thresholds(rule)
    if thresholds and _unit(rule) == "percent":
        if any(name in thresholds for name in _OUTSIDE):
            raise Unmapped(f"a share of {metric.name} that must stay out of a range has no dbt test")
        bounds = _threshold_bounds(thresholds)
        if not bounds.zero_only:
            return Test(metric.percent_test, arguments + _range_arguments(bounds, "percent"), level)
        thresholds = {}  # no share but 0 % is no failing row at all
    allowed = _counts(thresholds, metric)
    return Test(metric.test, arguments, level, allowed, fail_calc=metric.fail_calc if allowed != ZERO else None)


def _thresholds(rule: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's threshold operators, by their ODCS names; one the product cannot read makes the rule unmapped."""
    found: dict[str, Any] = {}
    for key, value in rule.items():
        if not str(key).startswith("must") or value is None:
            continue
        name = _OPERATORS.get(key)
        if name is None:
            raise Unmapped(f"{key} is not an ODCS threshold operator")
        if name in found:
            raise Unmapped(f"{name} is given twice")
        if not (_pair(value) if name.endswith("Between") else _number(value)):
            raise Unmapped(f"{key}: {value!r} is not {'two numbers' if name.endswith('Between') else 'a number'}")
        found[name] = value
    return found


def _unit(rule: Mapping[str, Any]) -> str:
    """rows (ODCS's default) or percent; any other unit has no dbt form."""
    unit = rule.get("unit")
    name = "rows" if unit is None else str(unit).strip().lower()
    if name not in ("rows", "percent"):
        raise Unmapped(f"the unit {unit!r} is neither rows nor percent")
    return name


@dataclass(frozen=True)
class Bounds:
    """Where a measured value must lie for a rule to pass; an end is None where the rule sets none."""

    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    @property
    def zero_only(self) -> bool:
        """Whether 0 is the one value inside (a share of failing rows that must be 0 %: none may fail)."""
        low_ok = self.low is None or self.low < 0 or (self.low == 0 and self.low_inclusive)
        return self.high == 0 and self.high_inclusive and low_ok

    def whole(self) -> tuple[int | None, int | None]:
        """The same ends for a count, which is whole: more than 2.5 is at least 3, less than 1 at most 0."""
        low = high = None
        if self.low is not None:
            low = math.ceil(self.low) if self.low_inclusive else math.floor(self.low) + 1
        if self.high is not None:
            high = math.floor(self.high) if self.high_inclusive else math.ceil(self.high) - 1
        return low, high


def _threshold_bounds(thresholds: Mapping[str, Any]) -> Bounds:
    """The range the thresholds allow; where several set one end, the tightest wins (so all of them hold)."""
    lows: list[tuple[float, bool]] = []
    highs: list[tuple[float, bool]] = []
    for name, value in thresholds.items():
        if name not in _ENDS:
            raise Unmapped(f"{name} (a value out of a range) has no dbt test")
        low_end, high_end = _ENDS[name]
        low, high = value if isinstance(value, list) else (value, value)
        if low_end is not None:
            lows.append((low, low_end))
        if high_end is not None:
            highs.append((high, high_end))
    # at a tie the exclusive end is the tighter one
    low_value, low_inclusive = max(lows, key=lambda end: (end[0], not end[1]), default=(None, True))
    high_value, high_inclusive = min(highs, key=lambda end: (end[0], end[1]), default=(None, True))
    return Bounds(low_value, high_value, low_inclusive, high_inclusive)


def _range_arguments(bounds: Bounds, what: str) -> tuple[tuple[str, Any], ...]:
    found: list[tuple[str, Any]] = []
    for end, value, inclusive in (("min", bounds.low, bounds.low_inclusive),
                                  ("max", bounds.high, bounds.high_inclusive)):
        if value is not None:
            found.append((f"{end}_{what}", value))
            if not inclusive:
                found.append((f"{end}_inclusive", False))
    return tuple(found)


def _counts(thresholds: Mapping[str, Any], metric: _Metric) -> Counts:
    """How many failing rows the thresholds allow; no threshold allows none."""
    if not thresholds:
        return ZERO
    outside = [name for name in _OUTSIDE if name in thresholds]
    if outside and len(thresholds) > 1:
        raise Unmapped(f"{outside[0]} together with other thresholds has no dbt test")
    if outside:
        value = thresholds[outside[0]]
        low, high = Bounds(*(value if isinstance(value, list) else (value, value))).whole()
        allowed = Counts(max(low, 0), high, outside=True)
    else:
        low, high = _threshold_bounds(thresholds).whole()
        allowed = Counts(max(low or 0, 0), high)
    if all(allowed.allows(count) for count in _probes(allowed)):
        raise Unmapped(f"the threshold allows any number of {metric.name}, so there is nothing to test")
    return allowed


def table_quality(plan: Plan, rules: Sequence[Mapping[str, Any]], label: str) -> None:
    for index, rule in enumerate(rules):
        if rule.get("type") == "sql":
            continue
        try:
            plan.table.append(_table_rule_test(rule))
        except Unmapped as reason:
            plan.skipped.append((f"{label} quality rule {index + 1}", str(reason)))


def _table_rule_test(rule: Mapping[str, Any]) -> Test:
    kind = _kind(rule)
    if kind not in _COUNT_RULES:
        raise Unmapped(f"no dbt test for the table rule {kind or 'without a rule name'!r}")
    if _unit(rule) == "percent":
        raise Unmapped("a row count in percent has nothing to count against")
    low, high = _threshold_bounds(_thresholds(rule)).whole()
    arguments = tuple((name, value) for name, value in (("min_count", low), ("max_count", high)) if value is not None)
    if not arguments:
        raise Unmapped("a rowCount rule without a threshold")
    return Test("dativo_row_count", arguments, severity(rule))


# dbt dateparts, largest first, sized by the product's calendar (a month is a twelfth of 365.25 days)
_DATEPARTS = tuple((part, round(size)) for part, size in (("year", YEAR), ("month", MONTH), ("day", DAY),
                                                           ("hour", HOUR), ("minute", MINUTE), ("second", 1.0)))


def retention(sla: Mapping[str, Any] | None) -> tuple[int, str] | None:
    """The retention SLA as (count, datepart) for `dativo_retention`, in the largest datepart that measures it whole.

    It is read as every SLA duration is (`dativo_check.core.durations`: `P6M`, `1 y`, `m` minutes, a bare number days),
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
