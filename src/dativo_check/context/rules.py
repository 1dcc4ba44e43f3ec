"""The rules of the context stage: policy lint, policy changes, policy tests and the audit chain.

`RULES` lists them for the catalogue (`dativo-check rules`), the docs and the configuration's `rules:` section.
"""

from __future__ import annotations

from dativo_check.core.ruledoc import from_text

POLICY_INVALID = from_text("policy-invalid", "error", "context", "policy", """
    A context policy file is YAML that matches schemas/context-policy.schema.json.

    The policy decides what AI agents learn about data contracts, so a policy that cannot be read exactly as
    written is not used at all: every request fails until it is fixed. The finding names the file, line and key.

    PASS:

        version: 1
        purposes: [code-assist]
        requesters: [{id: copilot, type: agent, roles: [engineering]}]
        rules:
          - {id: engineering-schema, effect: allow, requesters: {roles: [engineering]}, capabilities: [schema]}

    FAIL:

        version: 1
        purposes: [code-assist]
        requesters: [{id: copilot, type: robot}]
        rules:
          - {id: engineering-schema, effect: permit, capabilities: [everything]}
""", fatal=True)

DUPLICATE_ID = from_text("policy-duplicate-id", "error", "context", "policy", """
    Rule, field-action and requester ids are unique, and no rule uses a reserved id.

    Every decision and every audit line names the rules that decided it; two rules with one id make that record
    ambiguous. The ids `default-deny`, `purpose-not-allowed`, `unknown-requester`, `allow-list`, `authors-only` and
    `policy-unusable` name the built-in decisions and cannot be used.

    PASS:

        rules:
          - {id: engineering-schema, effect: allow, capabilities: [schema]}
          - {id: engineering-lineage, effect: allow, capabilities: [lineage]}

    FAIL:

        rules:
          - {id: engineering, effect: allow, capabilities: [schema]}
          - {id: engineering, effect: allow, capabilities: [lineage]}
""")

UNKNOWN_REQUESTER = from_text("policy-unknown-requester", "error", "context", "policy", """
    A rule names only requesters the policy declares.

    A rule that names an undeclared requester id applies to nobody, which usually hides a typo in a grant or,
    worse, in a deny rule that was meant to protect something.

    PASS:

        requesters: [{id: copilot, type: agent}]
        rules:
          - {id: no-finops-for-copilot, effect: deny, requesters: {ids: [copilot]}, capabilities: [finops]}

    FAIL:

        requesters: [{id: copilot, type: agent}]
        rules:
          - {id: no-finops-for-copilot, effect: deny, requesters: {ids: [co-pilot]}, capabilities: [finops]}
""")

UNKNOWN_PURPOSE = from_text("policy-unknown-purpose", "error", "context", "policy", """
    A rule names only purposes from the policy's `purposes` list.

    Every request names a purpose from the allowed list; a rule limited to a purpose that is not in it can never
    apply.

    PASS:

        purposes: [code-assist, analytics]
        rules:
          - {id: analytics-finops, effect: allow, purposes: [analytics], capabilities: [finops]}

    FAIL:

        purposes: [code-assist, analytics]
        rules:
          - {id: analytics-finops, effect: allow, purposes: [analysis], capabilities: [finops]}
""")

UNKNOWN_CLASSIFICATION = from_text("policy-unknown-classification", "error", "context", "policy", """
    A selector names only classification levels from the policy's `classifications`.

    `max-classification`, `min-classification`, `classifications` and `unclassified` compare levels by their
    position in `classifications` (default: public, internal, confidential, restricted); an unknown level has no
    position.

    PASS:

        rules:
          - {id: low-sensitivity, effect: allow, assets: {max-classification: internal}, capabilities: [schema]}

    FAIL:

        rules:
          - {id: low-sensitivity, effect: allow, assets: {max-classification: secret}, capabilities: [schema]}
""")

NEVER_MATCHES = from_text("policy-rule-never-matches", "warning", "context", "policy", """
    Every rule can match some request.

    A rule whose requester selector matches no declared requester, whose classification range is empty
    (`min-classification` above `max-classification`), or an allow rule that a deny rule always overrides, has no
    effect. It is reported because the author meant something by it.

    PASS:

        requesters: [{id: copilot, type: agent, roles: [engineering]}]
        rules:
          - {id: engineering-schema, effect: allow, requesters: {roles: [engineering]}, capabilities: [schema]}

    FAIL:

        requesters: [{id: copilot, type: agent, roles: [engineering]}]
        rules:
          - {id: finance-schema, effect: allow, requesters: {roles: [finance]}, capabilities: [schema]}
""")

WIDENS = from_text("policy-widens-access", "error", "context", "policy", """
    A policy change does not widen who sees what without review.

    `dativo-check policy diff` evaluates the old and the new policy for every declared requester, purpose and
    capability, over the repository's contracts and over probe assets built from every selector value either
    policy mentions. A grant the new policy adds, or a field action it relaxes (for example `omit` to `type-only`),
    or a custom property it newly shows, is reported like a breaking change.

    PASS:

        # old and new: copilot may read the schema of internal assets
        - {id: engineering-schema, effect: allow, assets: {max-classification: internal}, capabilities: [schema]}

    FAIL:

        # new: copilot may now read the schema of confidential assets too
        - {id: engineering-schema, effect: allow, assets: {max-classification: confidential}, capabilities: [schema]}
""")

NARROWS = from_text("policy-narrows-access", "info", "context", "policy", """
    A policy change that narrows who sees what is reported for the record.

    Removing a grant or making a field action stricter cannot leak anything, but agents that relied on the context
    lose it; the finding says which requester loses what.

    PASS:

        # old and new: the same grants
        - {id: engineering-schema, effect: allow, capabilities: [schema, lineage]}

    FAIL:

        # new: lineage is no longer granted
        - {id: engineering-schema, effect: allow, capabilities: [schema]}
""")

TEST_FAILED = from_text("policy-test-failed", "error", "context", "policy", """
    Every expectation of a policy test file holds.

    `dativo-check policy test FIXTURES` evaluates each case (requester, purpose, asset) against the policy and
    compares the decision, the granted capabilities, the deciding rules and the field actions with the expected
    ones, so that a policy change that breaks an intended grant or denial fails CI.

    PASS:

        - {requester: copilot, purpose: code-assist, asset: postgres-orders, expect: allow}

    FAIL:

        # the policy grants copilot nothing on stripe-customers
        - {requester: copilot, purpose: code-assist, asset: stripe-customers, expect: allow}
""")

AUDIT_BROKEN = from_text("audit-chain-broken", "error", "context", "audit", """
    The context audit log is an unbroken hash chain.

    Each line carries the hash of the line before it and its own hash; `dativo-check context verify-audit`
    recomputes both, so a line that was edited, removed or moved is reported with its line number.

    PASS:

        {"action":"get","hash":"sha256:5d1e...","prev":"sha256:0000...", ...}
        {"action":"search","hash":"sha256:a0c4...","prev":"sha256:5d1e...", ...}

    FAIL:

        {"action":"get","hash":"sha256:5d1e...","prev":"sha256:0000...", ...}
        {"action":"search","hash":"sha256:a0c4...","prev":"sha256:ffff...", ...}
""")

RULES = (POLICY_INVALID, DUPLICATE_ID, UNKNOWN_REQUESTER, UNKNOWN_PURPOSE, UNKNOWN_CLASSIFICATION, NEVER_MATCHES,
         WIDENS, NARROWS, TEST_FAILED, AUDIT_BROKEN)
