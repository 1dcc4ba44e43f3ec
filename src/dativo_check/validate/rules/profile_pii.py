"""Personal data is classified confidential or restricted.

A property tagged `pii`, or whose name says it holds personal data (email, phone, names, addresses, birth dates,
IP addresses, national ids, ...), must carry one of the profile's sensitive levels so that policies, redaction and
retention apply to it. Name patterns are configurable (`profile.pii-patterns`). ODCS has no notion of personal
data beyond free-text tags, so this is a rule of the Dativo profile: a warning unless the profile is enforced (a
`profile` section in the configuration, or `--profile`), then an error.

PASS:

    schema:
      - name: customers
        properties:
          - name: email
            classification: confidential
            tags: [pii]

FAIL:

    schema:
      - name: customers
        properties:
          - name: email
            classification: public
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

ID = "profile-pii"
LEVEL = "error"
CATEGORY = "profile"


@lru_cache(maxsize=8)
def _pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


def is_pii(prop, patterns: tuple[str, ...]) -> bool:
    if any(tag.lower() == "pii" for tag in prop.tags):
        return True
    name = prop.name or ""
    return bool(patterns) and _pattern(patterns).search(name) is not None


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    profile = context.config.profile
    for _, prop in contract.walk_properties():
        classification = prop.classification
        if classification is None or classification in profile.sensitive or not is_pii(prop, profile.pii_patterns):
            continue
        why = "is tagged pii" if any(tag.lower() == "pii" for tag in prop.tags) else "looks like personal data"
        yield Violation(prop.pointer + "/classification",
                        f"{prop.path} {why} but is classified {classification!r}",
                        hint=f"classify it {' or '.join(profile.sensitive)}")
