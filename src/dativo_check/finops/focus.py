"""FinOps FOCUS 1.2 export: the cost estimates of a billing month as FOCUS rows, then as CSV or JSON.

Rows first, text last. `focus_rows()` turns estimates into one row per contract and charge component (compute,
storage, network, API calls) with typed values (`Decimal`, UTC `datetime`, a `dict` for `Tags`, `str`, `None`);
`to_csv()` and `to_json()` only format them. Every row holds every column of `COLUMNS`: the 21 mandatory FOCUS
columns, the conditional and recommended ones that apply to an estimate, then the `x_` custom columns.

Choices (also in docs/focus.md):

- The amounts are the estimate's monthly amounts (an average month of `DAYS_PER_MONTH` days), not prorated to the
  calendar month, so the export adds up to what `dativo-check cost` shows. BilledCost = EffectiveCost = ListCost =
  ContractedCost: estimates carry one price list, no discounts, commitments or amortisation.
- A component that neither costs nor uses anything (no API calls, say) gets no row; one used at a zero price does.
- Quantities: compute in `Runs` (pipeline runs a month: the estimate prices a run by its CPU and memory), storage
  in `GB-Months`, network in `GB`, API calls priced per `1000 Requests` and consumed in `Requests`. Unit prices are
  the component's cost divided by its pricing quantity, so ListUnitPrice x PricingQuantity = ListCost holds; where a
  component mixes prices (CPU and memory, several servers, several APIs) it is their blend.
- BillingAccountId is the contract's cost centre (the invoice goes to who pays), or `unallocated` without one.
- Tags: the custom properties `costCenter`, `project`, `environment` under their own names with their text values;
  each business tag as `businessTags/<tag>` with the value `true` (FOCUS: a valueless tag gets boolean true; a
  second user-defined tag scheme gets a prefix). No tags: null.
- Unestimable contracts are never exported as zero: they are returned in `FocusExport.skipped` with their reason.
"""

from __future__ import annotations

import json
import re
from collections import abc
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

from dativo_check.core.errors import UsageError
from dativo_check.finops.estimate import Estimate, Unestimable
from dativo_check.core.timefmt import rfc3339

FOCUS_VERSION = "1.2"
FORMATS = ("focus-csv", "focus-json")
DECIMAL_PLACES = 10
BUSINESS_TAG_PREFIX = "businessTags/"
UNALLOCATED = "unallocated"

MANDATORY_COLUMNS = (
    "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
    "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd",
    "ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity",
    "PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName")
STANDARD_COLUMNS = tuple(sorted(MANDATORY_COLUMNS + (
    "ChargeFrequency", "ConsumedQuantity", "ConsumedUnit", "ContractedUnitPrice", "ListUnitPrice", "ResourceId",
    "ResourceName", "ResourceType", "Tags")))
CUSTOM_COLUMNS = (
    "x_ContractId", "x_ContractVersion", "x_ContractFile", "x_CostCenter", "x_Project", "x_Environment", "x_Domain",
    "x_Owner", "x_ChargeComponent", "x_EstimateBasis")
COLUMNS = STANDARD_COLUMNS + CUSTOM_COLUMNS


class Component(NamedTuple):
    """A charge component of an estimate and how FOCUS names it."""

    name: str              # the Estimate attribute holding its monthly amount
    service_name: str
    service_category: str  # one of FOCUS 1.2's allowed ServiceCategory values
    pricing_unit: str      # FOCUS UnitFormat
    consumed_unit: str


COMPONENTS = (
    Component("compute", "Data Pipeline Compute", "Compute", "Runs", "Runs"),
    Component("storage", "Data Storage", "Storage", "GB-Months", "GB-Months"),
    Component("network", "Data Transfer", "Networking", "GB", "GB"),
    Component("api", "Source API Calls", "Integration", "1000 Requests", "Requests"),
)


@dataclass(frozen=True)
class FocusOptions:
    """Who the rows name as provider, publisher and invoice issuer, and the account of cost without a cost centre.

    The CLI passes `FocusOptions(provider=config.finops.provider)`."""

    provider: str = "Dativo"
    publisher: str | None = None        # default: the provider
    invoice_issuer: str | None = None   # default: the provider
    unallocated_account: str = UNALLOCATED


@dataclass(frozen=True)
class FocusExport:
    """FOCUS rows of one billing period, and the contracts left out because they could not be estimated."""

    rows: tuple[dict[str, Any], ...]
    skipped: tuple[Unestimable, ...]
    period_start: datetime
    period_end: datetime
    columns: tuple[str, ...] = COLUMNS


_PERIOD = re.compile(r"(\d{4})-(\d{2})")
_CURRENCY = re.compile(r"[A-Z]{3}")
_QUANTUM = Decimal(1).scaleb(-DECIMAL_PLACES)
_NEEDS_QUOTES = re.compile('[,"\r\n]')


def billing_period(period: str | None = None, now: datetime | None = None) -> tuple[datetime, datetime]:
    """(start, end) of a calendar month in UTC, `period` as "YYYY-MM" (default: the month of `now`, itself
    defaulting to the current time); the end is exclusive: the first instant of the next month."""
    if period is None:
        moment = now or datetime.now(timezone.utc)
        moment = moment.astimezone(timezone.utc) if moment.tzinfo else moment
        year, month = moment.year, moment.month
    else:
        match = _PERIOD.fullmatch(period.strip())
        year, month = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if not match or not 1 <= month <= 12 or not 1 <= year or (year, month) >= (9999, 12):
            raise UsageError(f"billing period {period!r} is not a calendar month; give it as YYYY-MM, "
                             "for example 2026-02")
    start = datetime(year, month, 1, tzinfo=timezone.utc)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone.utc)
    return start, end


def to_decimal(value: float | int | Decimal) -> Decimal:
    """A number rounded half-even to `DECIMAL_PLACES` places, exactly from the float's binary value, never -0."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"not a number: {value!r}")
    number = value if isinstance(value, Decimal) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"cannot export {value!r}: FOCUS numbers are finite decimals")
    with localcontext() as context:
        context.prec = max(60, number.adjusted() + DECIMAL_PLACES + 2)
        rounded = number.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
    return rounded if rounded else _QUANTUM * 0


def format_decimal(value: float | int | Decimal) -> str:
    """FOCUS Numeric Format: plain digits, at most one point, no exponent, no separators, no "+" ("0.00000123")."""
    exact = isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == -DECIMAL_PLACES
    text = format(value if exact else to_decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def tags(attribution: Mapping[str, Any]) -> dict[str, str | bool] | None:
    """FOCUS Tags of an estimate's attribution (see the module docstring), or None when it has none."""
    found: dict[str, str | bool] = {}
    for key, tag in (("cost_center", "costCenter"), ("project", "project"), ("environment", "environment")):
        value = _clean(attribution.get(key))
        if value is not None:
            found[tag] = value
    for business_tag in attribution.get("business_tags") or ():
        label = _clean(business_tag)
        if label is not None:
            found[BUSINESS_TAG_PREFIX + label] = True
    return found or None


def focus_rows(estimates: Iterable[Estimate | Unestimable], period: str | None = None,
               options: FocusOptions = FocusOptions(), now: datetime | None = None) -> FocusExport:
    """FOCUS rows of the estimates for the billing month `period` ("YYYY-MM", default: the current UTC month),
    ordered by contract id, file and component; unestimable contracts are returned in `skipped`, not as zero."""
    start, end = billing_period(period, now)
    rows: list[dict[str, Any]] = []
    skipped: list[Unestimable] = []
    for item in sorted(estimates, key=lambda e: (e.contract_id, e.file)):
        if isinstance(item, Unestimable):
            skipped.append(item)
            continue
        rows.extend(contract_rows(item, start, end, options))
    return FocusExport(tuple(rows), tuple(skipped), start, end)


def contract_rows(estimate: Estimate, start: datetime, end: datetime,
                  options: FocusOptions = FocusOptions()) -> list[dict[str, Any]]:
    """The rows of one estimate, one per charge component that costs or uses something."""
    if not isinstance(estimate.currency, str) or not _CURRENCY.fullmatch(estimate.currency):
        raise UsageError(f"{estimate.file}: currency {estimate.currency!r} is not an ISO 4217 code; set `currency` "
                         "in the pricing file to a three-letter code such as USD")
    attribution = estimate.attribution
    cost_center = _clean(attribution.get("cost_center"))
    account = cost_center or options.unallocated_account
    common: dict[str, Any] = {
        "BillingAccountId": account, "BillingAccountName": account, "BillingCurrency": estimate.currency,
        "BillingPeriodStart": start, "BillingPeriodEnd": end, "ChargePeriodStart": start, "ChargePeriodEnd": end,
        "ChargeCategory": "Usage", "ChargeClass": None, "ChargeFrequency": "Usage-Based",
        "ProviderName": options.provider, "PublisherName": options.publisher or options.provider,
        "InvoiceIssuerName": options.invoice_issuer or options.provider,
        "ResourceId": estimate.contract_id, "ResourceName": estimate.contract_id, "ResourceType": "Data Contract",
        "Tags": tags(attribution),
        "x_ContractId": estimate.contract_id, "x_ContractVersion": _clean(estimate.version),
        "x_ContractFile": _clean(estimate.file), "x_CostCenter": cost_center,
        "x_Project": _clean(attribution.get("project")), "x_Environment": _clean(attribution.get("environment")),
        "x_Domain": _clean(attribution.get("domain")), "x_Owner": _clean(attribution.get("owner")),
    }
    quantities = _quantities(estimate)
    rows = []
    for component in COMPONENTS:
        amount = float(getattr(estimate, component.name))
        pricing_quantity, consumed_quantity, description = quantities[component.name]
        if amount == 0 and pricing_quantity == 0:
            continue
        cost = to_decimal(amount)
        unit_price = to_decimal(amount / pricing_quantity) if pricing_quantity > 0 else None
        row = dict.fromkeys(COLUMNS)
        row.update(common)
        row.update({
            "BilledCost": cost, "EffectiveCost": cost, "ListCost": cost, "ContractedCost": cost,
            "ListUnitPrice": unit_price, "ContractedUnitPrice": unit_price,
            "PricingQuantity": to_decimal(pricing_quantity), "PricingUnit": component.pricing_unit,
            "ConsumedQuantity": to_decimal(consumed_quantity), "ConsumedUnit": component.consumed_unit,
            "ServiceName": component.service_name, "ServiceCategory": component.service_category,
            "ChargeDescription": description, "x_ChargeComponent": component.name,
            "x_EstimateBasis": _clean(estimate.usage.basis.get(component.name)),
        })
        rows.append(row)
    return rows


def _quantities(estimate: Estimate) -> dict[str, tuple[float, float, str]]:
    """(pricing quantity, consumed quantity, description) of each component, per month. Only what the estimate
    states without the pricing's estimation parameters: compute is counted in runs, not CPU or memory hours."""
    usage, name = estimate.usage, estimate.contract_id
    runs, transferred = estimate.runs_per_month, estimate.transferred_gb
    calls = sum(usage.api_calls_per_run.values()) * runs
    servers = ", ".join(usage.servers) or "no server"
    apis = ", ".join(sorted(usage.api_calls_per_run)) or "none"
    return {
        "compute": (runs, runs, f"Compute of the pipeline runs of {name}: {_readable(runs)} runs a month"),
        "storage": (estimate.stored_gb, estimate.stored_gb,
                    f"Storage of {name}: {_readable(estimate.stored_gb)} GB kept {_readable(usage.retention_days)} "
                    f"days in the {usage.storage_class} class on {servers}"),
        "network": (transferred, transferred, f"Data transferred by the pipeline runs of {name}: "
                                              f"{_readable(transferred)} GB a month"),
        "api": (calls / 1000, calls, f"Source API calls of {name}: {_readable(calls)} a month ({apis})"),
    }


def _readable(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 0.01:
        return f"{value:.3g}"
    return format_decimal(value)


def _clean(value: Any) -> str | None:
    """Text for a column: stripped, and None (FOCUS null) instead of an empty string."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def value_text(value: Any) -> str | None:
    """A typed row value as FOCUS text: decimals plain, date-times `...Z`, Tags as compact JSON; None stays None."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, int, float)):
        return format_decimal(value)
    if isinstance(value, datetime):
        return rfc3339(value, fraction=False)  # FOCUS Date/Time Format: `YYYY-MM-DDTHH:mm:ssZ`
    if isinstance(value, (dict, abc.Mapping)):
        return json.dumps(dict(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _csv_field(text: str | None) -> str:
    if text is None:
        return ""
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    """RFC 4180 CSV: a header row in column order, fields quoted only when they need it, nulls as empty fields,
    `\\n` line ends (also after the last row)."""
    lines = [",".join(_csv_field(column) for column in columns)]
    for row in rows:
        lines.append(",".join(_csv_field(value_text(row.get(column))) for column in columns))
    return "\n".join(lines) + "\n"


def to_json(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] = COLUMNS) -> str:
    """A JSON list of objects, one a line, keys in column order: decimals as JSON numbers written plain (no
    exponent), nulls as null, date-times and Tags as strings (FOCUS Tags is a serialized JSON object)."""
    def literal(value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return format_decimal(value)
        return json.dumps(value_text(value), ensure_ascii=False)

    keys = [json.dumps(column) for column in columns]
    objects = ["{" + ", ".join(f"{key}: {literal(row.get(column))}" for key, column in zip(keys, columns)) + "}"
               for row in rows]
    return "[\n" + ",\n".join(objects) + "\n]\n" if objects else "[]\n"


def render(rows: Sequence[Mapping[str, Any]], fmt: str, columns: Sequence[str] = COLUMNS) -> str:
    """`focus-csv` or `focus-json` text of the rows."""
    if fmt == "focus-csv":
        return to_csv(rows, columns)
    if fmt == "focus-json":
        return to_json(rows, columns)
    raise UsageError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
