"""Every property has a classification from the profile's levels.

Classification drives access policies, AI-context redaction, dbt tags and retention. Each property (nested properties
and array items included) states one of the configured levels: by default public, internal, confidential or
restricted. Legacy markers such as `PII` are not levels; classify the property and tag it `pii` instead.
ODCS makes `classification` optional free text, so this is a rule of the Dativo profile: a warning unless the profile
is enforced (a `profile` section in the configuration, or `--profile`), then an error.

PASS:

    schema:
      - name: customers
        properties:
          - name: country
            classification: internal

FAIL:

    schema:
      - name: customers
        properties:
          - name: country
"""

from __future__ import annotations

from typing import Iterator

ID = "profile-classification"
LEVEL = "error"
CATEGORY = "profile"


def check(contract, context) -> Iterator:
    from dativo_check.validate.rules import Violation

    levels = context.config.profile.classifications
    for _, prop in contract.walk_properties():
        classification = prop.get("classification")
        if classification is None:
            yield Violation(prop.pointer, f"{prop.path} has no classification",
                            hint=f"add classification: one of {', '.join(levels)}", at_key=True)
        elif classification not in levels:
            lowered = str(classification).lower()
            if lowered in levels:
                hint = f"write {lowered}"
            elif lowered in ("pii", "sensitive", "personal"):
                hint = f"use {' or '.join(context.config.profile.sensitive)} and add the tag pii"
            else:
                hint = f"use one of {', '.join(levels)}"
            yield Violation(prop.pointer + "/classification",
                            f"{prop.path}: classification {classification!r} is not a profile level", hint=hint)
