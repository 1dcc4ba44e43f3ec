"""The problems a YAML file can have before it is a contract at all; the loader reports them as findings."""

from __future__ import annotations

from dativo_check.core.ruledoc import RuleDoc, from_text

Problem = RuleDoc

SYNTAX = from_text("yaml-syntax", "error", "load", "yaml", """
    The file is well-formed YAML.

    A file that libyaml cannot parse cannot be checked at all; the finding carries the line and column where the
    parser gave up and what it expected there.

    PASS:

        id: orders
        status: active

    FAIL:

        id: orders
        status: [active
""", fatal=True)

ENCODING = from_text("yaml-encoding", "error", "load", "yaml", """
    The file is UTF-8 text.

    Contracts are UTF-8 text files. UTF-16 files, files with NUL bytes (binaries) and files with bytes that are not
    valid UTF-8 are rejected with the line of the first bad byte, rather than guessed at.

    PASS:

        description:
          purpose: Kunden der Zahlungsplattform, nach Währung

    FAIL:

        # the file was saved as Latin-1: "W\\xe4hrung"
        description:
          purpose: Kunden nach W?hrung
""", fatal=True)

UNREADABLE = from_text("file-unreadable", "error", "load", "yaml", """
    The file can be read.

    A contract file that cannot be opened (no read permission, removed while the run was under way) is reported
    instead of skipped, so that it never passes silently. A path that does not exist at all is a usage error
    (exit code 2).

    PASS:

        # -rw-r--r--  specs/stripe/v1.0/customers.yaml

    FAIL:

        # ----------  specs/stripe/v1.0/customers.yaml   (no read permission)
""", fatal=True)

TOO_LARGE = from_text("yaml-too-large", "error", "load", "limits", """
    The file is not larger than the configured limit (1 MiB by default).

    Contracts are small. A file over `limits.max-file-size` is not read at all, which bounds the memory and time a
    hostile or accidental file can take; raise the limit in the configuration if a real contract needs it.

    PASS:

        # a 40 KB contract

    FAIL:

        # a 30 MB data dump named orders.yaml
""", fatal=True)

TOO_DEEP = from_text("yaml-too-deep", "error", "load", "limits", """
    The YAML nesting is not deeper than the configured limit (64 levels by default).

    Deeply nested documents are a classic way to exhaust a parser's stack; real contracts stay well under 20
    levels, even with nested object properties.

    PASS:

        schema:
          - name: orders
            properties:
              - name: shipping_address
                logicalType: object
                properties:
                  - name: city

    FAIL:

        a: {b: {c: {d: {e: {f: {g: {h: {i: {j: {k: {l: {m: {n: {o: {p: {q: {r: {s: {t: ...}}}}}}}}}}}}}}}}}}}
""", fatal=True)

ALIAS_LIMIT = from_text("yaml-alias-limit", "error", "load", "limits", """
    Anchors and aliases do not expand beyond the configured limit, and never refer to themselves.

    A few kilobytes of nested aliases can expand to billions of nodes ("billion laughs"). The loader counts the
    nodes that aliases add and stops at `limits.max-alias-nodes` (10,000 by default); recursive aliases are
    rejected outright.

    PASS:

        x-defaults: &string_column {logicalType: string, classification: internal}
        schema:
          - name: contacts
            properties:
              - {<<: *string_column, name: email}

    FAIL:

        a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
""", fatal=True)

EMPTY = from_text("yaml-empty", "error", "load", "yaml", """
    The file is not empty.

    An empty file (or one holding only comments or `null`) has no contract in it; it is reported rather than passed.

    PASS:

        kind: DataContract

    FAIL:

        # TODO: write the contract
""", fatal=True)

ROOT_TYPE = from_text("yaml-root-type", "error", "load", "yaml", """
    The document root is a mapping.

    A contract is a mapping of keys (`apiVersion`, `kind`, `id`, ...). A list or a single value at the root is not a
    contract.

    PASS:

        apiVersion: v3.0.2
        kind: DataContract

    FAIL:

        - apiVersion: v3.0.2
          kind: DataContract
""", fatal=True)

MULTIPLE_DOCUMENTS = from_text("yaml-multiple-documents", "error", "load", "yaml", """
    The file holds exactly one YAML document.

    One contract per file keeps paths, versions and git history unambiguous. A second `---` document is reported at
    its line.

    PASS:

        kind: DataContract
        id: orders

    FAIL:

        kind: DataContract
        id: orders
        ---
        kind: DataContract
        id: order-lines
""", fatal=True)

DUPLICATE_KEY = from_text("yaml-duplicate-key", "error", "load", "yaml", """
    No mapping has the same key twice.

    YAML forbids duplicate keys, yet most parsers silently keep the last one, so a contract can say two things
    at once and only one of them is read. The finding points at the second key and names the line of the first.

    PASS:

        name: customers
        description: Stripe customers

    FAIL:

        name: customers
        name: stripe_customers
""")

KEY_TYPE = from_text("yaml-key-type", "error", "load", "yaml", """
    Every mapping key is a string.

    Keys such as `1`, `true` or `null` are read as numbers, booleans or null and do not match the string keys the
    standard defines; a key that is itself a mapping or list has no JSON equivalent. Quote such keys.

    PASS:

        "404": not found

    FAIL:

        404: not found
""")

UNSUPPORTED_TAG = from_text("yaml-unsupported-tag", "error", "load", "yaml", """
    No YAML tags beyond the standard data types are used.

    Application tags (`!!python/object`, `!custom`) are how YAML documents run code in unsafe loaders. They are
    never honoured here; the value is read as plain data and the tag is reported.

    PASS:

        version: !!str 1.0.0

    FAIL:

        version: !!python/object/apply:os.system ["id"]
""")

ALL = (SYNTAX, ENCODING, UNREADABLE, TOO_LARGE, TOO_DEEP, ALIAS_LIMIT, EMPTY, ROOT_TYPE, MULTIPLE_DOCUMENTS,
       DUPLICATE_KEY, KEY_TYPE, UNSUPPORTED_TAG)
