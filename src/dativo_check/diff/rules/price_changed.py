"""The price of the data changed.

`price` says what consumers pay (amount, currency, unit). A higher price, or another currency or unit, changes the
terms existing consumers agreed to: they keep receiving data, but may not want to at the new terms. It needs a
minor bump and a look from the data product owner; a lower price is safe.

PASS:

    price: {priceAmount: 9.95, priceCurrency: USD, priceUnit: megabyte}
    ---
    price: {priceUnit: megabyte, priceAmount: 9.95, priceCurrency: USD}

FAIL:

    price: {priceAmount: 9.95, priceCurrency: USD, priceUnit: megabyte}
    ---
    price: {priceAmount: 12.5, priceCurrency: USD, priceUnit: megabyte}
"""

from __future__ import annotations

from typing import Iterator

from dativo_check.contract.model import mapping
from dativo_check.diff.rules import Delta, changed, key_pointer
from dativo_check.core.model import Direction, Verdict

ID = "price-changed"
CATEGORY = "commercial"
KINDS = ("contract",)
KEYS = ("price",)
DIRECTION = "loosens"
FORWARD = "may-break"
BACKWARD = "safe"
BUMP = "minor"


def detect(pair) -> Iterator[Delta]:
    if not changed(pair, "price"):
        return
    old, new = mapping(pair.old("price")), mapping(pair.new("price"))
    same_terms = all(old.get(key) == new.get(key) for key in ("priceCurrency", "priceUnit"))
    amounts = old.get("priceAmount"), new.get("priceAmount")
    cheaper = same_terms and all(isinstance(a, (int, float)) for a in amounts) and amounts[1] <= amounts[0]
    yield Delta(key_pointer(pair, "price"), pair.old("price"), pair.new("price"),
                f"price {_show(old)} -> {_show(new)}", "tell consumers before the new price applies",
                forward=Verdict.SAFE if cheaper else None, direction=Direction.TIGHTENS if cheaper else None)


def _show(price) -> str:
    if not price:
        return "none"
    return f"{price.get('priceAmount')} {price.get('priceCurrency', '')}/{price.get('priceUnit', '')}".strip()
