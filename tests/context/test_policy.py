"""The policy: loading with file:line errors, lint checks, the canonical hash, and decisions."""

from __future__ import annotations

import pytest
from conftest import dump, write
from context_helpers import POLICY_FILE, policy_data, policy_from

from dativo_check.context.decide import FieldPolicy, decide
from dativo_check.context.policy import AssetFacts, FieldFacts, PolicyError
from dativo_check.context.policy_file import load_policy, read_policy

STRIPE = AssetFacts("stripe-customers", "finance", frozenset({"stripe", "billing"}),
                    frozenset({"internal", "confidential", "public"}))
KAFKA = AssetFacts("kafka-order-events", "commerce", frozenset({"kafka"}),
                   frozenset({"internal", "restricted", "public"}))
ORDERS = AssetFacts("postgres-orders", "commerce", frozenset({"orders"}), frozenset({"internal", "public"}))


def minimal(**extra) -> dict:
    data = {"version": 1, "purposes": ["code-assist", "analytics"],
            "requesters": [{"id": "copilot", "type": "agent", "roles": ["engineering"]},
                           {"id": "lena", "type": "human", "roles": ["finance"]}],
            "rules": [{"id": "engineering-schema", "effect": "allow", "requesters": {"roles": ["engineering"]},
                       "capabilities": ["schema"]}]}
    data.update(extra)
    return data


def findings_of(tmp_path, data: dict | str):
    path = write(tmp_path, "policy.yaml", data if isinstance(data, str) else dump(data))
    return load_policy(path, "policy.yaml")


# --- loading and lint ----------------------------------------------------------------------------------------------

def test_the_example_policy_loads_without_findings():
    loaded = load_policy(POLICY_FILE)
    assert loaded.policy is not None
    assert loaded.findings == ()
    assert len(loaded.policy.rules) == 7 and len(loaded.policy.field_rules) == 3


def test_schema_errors_name_the_file_line_and_key(tmp_path):
    text = ("version: 1\npurposes: [code-assist]\nrequesters:\n  - {id: copilot, type: robot}\nrules:\n"
            "  - id: r1\n    effect: permit\n    capabilities: [schema]\n    colour: blue\n")
    loaded = findings_of(tmp_path, text)
    assert loaded.policy is None
    located = {(finding.line, finding.rule) for finding in loaded.findings}
    assert (4, "policy-invalid") in located  # type: robot
    assert (7, "policy-invalid") in located  # effect: permit
    assert (9, "policy-invalid") in located  # unknown key colour
    messages = " ".join(finding.message for finding in loaded.findings)
    assert "robot" in messages and "permit" in messages and "colour" in messages


def test_a_policy_that_cannot_be_used_raises_with_every_location(tmp_path):
    path = write(tmp_path, "policy.yaml", "version: 1\npurposes: []\nrequesters: []\nrules: []\n")
    with pytest.raises(PolicyError) as raised:
        read_policy(path, "policy.yaml")
    assert "policy.yaml:2:" in str(raised.value) and "every request is refused" in str(raised.value)


def test_yaml_syntax_errors_are_findings_with_lines(tmp_path):
    loaded = findings_of(tmp_path, "version: 1\npurposes: [code-assist\n")
    assert loaded.policy is None and loaded.findings[0].rule == "yaml-syntax"


@pytest.mark.parametrize(("text", "words"), [
    ("", "the policy file is empty: expected a mapping with version, purposes, requesters and rules"),
    ("[]\n", "the document root is not a mapping: a policy is a mapping"),
    ("version: 1\npurposes: [code-assist]\nrequesters: []\nrules: []\ncolour: blue\n",
     'unknown key "colour" (a policy has only the keys version, description, purposes'),
])
def test_problems_of_the_whole_file_speak_of_a_policy(tmp_path, text, words):
    loaded = findings_of(tmp_path, text)
    assert loaded.policy is None and len(loaded.findings) == 1
    message = loaded.findings[0].message
    assert words in message and "contract" not in message and "customProperties" not in message


def test_authors_must_be_declared_requesters(tmp_path):
    loaded = findings_of(tmp_path, minimal(authors=["lena", "lenna"]))
    unknown = [finding for finding in loaded.findings if finding.rule == "policy-unknown-requester"]
    assert len(unknown) == 1 and "'lenna'" in unknown[0].message and "did you mean 'lena'" in unknown[0].hint
    assert (tmp_path / "policy.yaml").read_text().splitlines()[unknown[0].line - 1].strip() == "- lenna"
    assert findings_of(tmp_path, minimal(authors=["lena"])).policy.is_author("lena")


def test_lint_duplicate_and_reserved_ids(tmp_path):
    data = minimal()
    data["rules"].append({"id": "engineering-schema", "effect": "allow", "capabilities": ["lineage"]})
    data["rules"].append({"id": "default-deny", "effect": "deny", "capabilities": ["finops"]})
    data["requesters"].append({"id": "copilot", "type": "bot"})
    loaded = findings_of(tmp_path, data)
    duplicates = [finding for finding in loaded.findings if finding.rule == "policy-duplicate-id"]
    lines = (tmp_path / "policy.yaml").read_text().splitlines()
    assert sorted(lines[finding.line - 1].strip() for finding in duplicates) == [
        "- id: copilot", "- id: default-deny", "- id: engineering-schema"]
    assert any("reserved" in finding.message for finding in duplicates)


def test_lint_unknown_requester_purpose_and_classification(tmp_path):
    data = minimal(rules=[{"id": "no-finops", "effect": "deny", "requesters": {"ids": ["co-pilot"]},
                           "purposes": ["analysis"], "assets": {"max-classification": "secret"},
                           "capabilities": ["finops"]}])
    loaded = findings_of(tmp_path, data)
    by_rule = {finding.rule: finding for finding in loaded.findings}
    assert "did you mean 'copilot'" in by_rule["policy-unknown-requester"].hint
    assert "did you mean 'analytics'" in by_rule["policy-unknown-purpose"].hint
    assert "'secret'" in by_rule["policy-unknown-classification"].message
    text = (tmp_path / "policy.yaml").read_text().splitlines()
    assert "co-pilot" in text[by_rule["policy-unknown-requester"].line - 1]
    assert "analysis" in text[by_rule["policy-unknown-purpose"].line - 1]
    assert "secret" in text[by_rule["policy-unknown-classification"].line - 1]
    with pytest.raises(PolicyError):
        read_policy(tmp_path / "policy.yaml")


def test_lint_rules_that_can_never_match(tmp_path):
    data = minimal(rules=[
        {"id": "finance-schema", "effect": "allow", "requesters": {"roles": ["sales"]}, "capabilities": ["schema"]},
        {"id": "empty-range", "effect": "allow", "assets": {"min-classification": "restricted",
                                                             "max-classification": "internal"},
         "capabilities": ["schema"]},
        {"id": "agents-schema", "effect": "allow", "requesters": {"types": ["agent"]},
         "assets": {"domains": ["finance"]}, "capabilities": ["schema", "lineage"]},
        {"id": "no-machines", "effect": "deny", "requesters": {"types": ["agent", "bot"]},
         "capabilities": ["schema", "lineage", "finops"]},
    ])
    loaded = findings_of(tmp_path, data)
    never = [finding for finding in loaded.findings if finding.rule == "policy-rule-never-matches"]
    messages = " | ".join(finding.message for finding in never)
    assert "finance-schema matches no declared requester" in messages
    assert "empty-range selects assets at least restricted and at most internal" in messages
    assert "allow rule agents-schema never takes effect: deny rule(s) no-machines" in messages
    assert all(finding.level.value == "warning" for finding in never)
    policy, warnings = read_policy(tmp_path / "policy.yaml")  # warnings do not stop the policy from being used
    assert len(warnings) == 3 and policy.rules


def test_a_deny_rule_that_covers_only_part_does_not_shadow(tmp_path):
    data = minimal(rules=[
        {"id": "agents-schema", "effect": "allow", "requesters": {"types": ["agent"]},
         "capabilities": ["schema", "lineage"]},
        {"id": "no-lineage-on-finance", "effect": "deny", "assets": {"domains": ["finance"]},
         "capabilities": ["lineage"]},
    ])
    assert findings_of(tmp_path, data).findings == ()


# --- hash ----------------------------------------------------------------------------------------------------------

def test_the_hash_is_canonical():
    data = policy_data()
    base = policy_from(data).hash
    assert base.startswith("sha256:") and len(base) == 71
    reordered = policy_data()
    reordered["rules"].reverse()
    reordered["requesters"].reverse()
    for rule in reordered["rules"]:
        rule.pop("description", None)
        rule["capabilities"] = list(reversed(rule["capabilities"]))
    assert policy_from(reordered).hash == base  # order and descriptions do not decide anything
    widened = policy_data()
    widened["rules"][0]["assets"]["max-classification"] = "restricted"
    assert policy_from(widened).hash != base


def test_authors_are_part_of_the_hash():
    assert policy_from(minimal(authors=["lena"])).hash != policy_from(minimal()).hash


def test_defaults_are_part_of_the_hash():
    explicit = minimal(classifications=["public", "internal", "confidential", "restricted"], unclassified="restricted")
    assert policy_from(minimal()).hash == policy_from(explicit).hash
    assert policy_from(minimal(unclassified="internal")).hash != policy_from(minimal()).hash


# --- decisions -----------------------------------------------------------------------------------------------------

def test_default_deny():
    policy = policy_from(minimal(rules=[]))
    decision = decide(policy, "copilot", "code-assist", STRIPE)
    assert not decision.visible
    assert decision.rules_for() == ("default-deny",)


def test_no_policy_denies_everything():
    from dativo_check.context.policy import Policy

    decision = decide(Policy(), "copilot", "code-assist", STRIPE)
    assert not decision.visible and decision.rules_for() == ("unknown-requester",)


def test_deny_overrides_allow_and_names_the_deciding_rules():
    policy = policy_from(policy_data())
    decision = decide(policy, "copilot", "code-assist", STRIPE)
    assert decision.granted == ("schema", "lineage", "governance")
    assert decision.rules_for() == ("engineering-context",)
    assert decision.denied_by["finops"] == ("no-costs-for-agents",)
    steward = decide(policy, "lmeyer", "code-assist", STRIPE)
    assert steward.granted == ("schema", "lineage", "finops", "governance")
    denied = decide(policy, "copilot", "code-assist", KAFKA)  # allowed by nothing, denied by the restricted rule
    assert not denied.visible
    assert denied.rules_for() == ("no-costs-for-agents", "no-restricted-for-machines")
    # an explicit allow for the restricted asset still loses to the deny
    data = policy_data()
    data["rules"].append({"id": "copilot-kafka", "effect": "allow", "requesters": {"ids": ["copilot"]},
                          "assets": {"contracts": ["kafka-*"]}, "capabilities": ["schema"]})
    assert not decide(policy_from(data), "copilot", "code-assist", KAFKA).visible


def test_purpose_must_be_allowed_and_match_the_rule():
    policy = policy_from(policy_data())
    outside = decide(policy, "copilot", "marketing", STRIPE)
    assert not outside.visible and outside.rules_for() == ("purpose-not-allowed",)
    wrong_rule = decide(policy, "copilot", "analytics", STRIPE)  # an allowed purpose the rule does not cover
    assert not wrong_rule.visible
    assert wrong_rule.rules_for() == ("default-deny", "no-costs-for-agents")
    assert wrong_rule.rules_for(("schema",)) == ("default-deny",)
    assert decide(policy, "copilot", "incident-response", STRIPE).visible


def test_unknown_requester_is_denied():
    decision = decide(policy_from(policy_data()), "mallory", "code-assist", STRIPE)
    assert not decision.visible and decision.rules_for() == ("unknown-requester",)


@pytest.mark.parametrize(("selector", "asset", "matches"), [
    ({"contracts": ["stripe-*"]}, STRIPE, True),
    ({"contracts": ["stripe-*"]}, ORDERS, False),
    ({"contracts": ["*-orders", "x?"]}, ORDERS, True),
    ({"contracts": ["STRIPE-*"]}, STRIPE, False),  # ids are case-sensitive
    ({"domains": ["commerce"]}, ORDERS, True),
    ({"domains": ["commerce"]}, STRIPE, False),
    ({"tags": ["billing", "kafka"]}, STRIPE, True),
    ({"tags": ["kafka"]}, STRIPE, False),
    ({"max-classification": "internal"}, ORDERS, True),
    ({"max-classification": "internal"}, STRIPE, False),
    ({"max-classification": "confidential"}, STRIPE, True),
    ({"min-classification": "restricted"}, KAFKA, True),
    ({"min-classification": "restricted"}, STRIPE, False),
    ({"domains": ["commerce"], "max-classification": "confidential"}, KAFKA, False),  # every key must match
])
def test_asset_selectors(selector, asset, matches):
    policy = policy_from(minimal(rules=[{"id": "r", "effect": "allow", "assets": selector,
                                         "capabilities": ["schema"]}]))
    assert decide(policy, "copilot", "code-assist", asset).visible is matches


def test_unclassified_and_unknown_classifications_count_as_the_most_sensitive_unless_configured():
    unclassified = AssetFacts("x", classifications=frozenset({None, "public"}))
    unknown = AssetFacts("y", classifications=frozenset({"top-secret"}))
    rules = [{"id": "r", "effect": "allow", "assets": {"max-classification": "confidential"},
              "capabilities": ["schema"]}]
    strict = policy_from(minimal(rules=rules))
    assert not decide(strict, "copilot", "code-assist", unclassified).visible
    assert not decide(strict, "copilot", "code-assist", unknown).visible
    lenient = policy_from(minimal(rules=rules, unclassified="internal"))
    assert decide(lenient, "copilot", "code-assist", unclassified).visible
    assert decide(lenient, "copilot", "code-assist", AssetFacts("empty")).visible  # no properties: unclassified


def test_requester_selectors():
    rules = [{"id": "humans", "effect": "allow", "requesters": {"types": ["human"]}, "capabilities": ["schema"]},
             {"id": "by-id", "effect": "allow", "requesters": {"ids": ["copilot"], "roles": ["finance"]},
              "capabilities": ["lineage"]}]
    policy = policy_from(minimal(rules=rules))
    assert decide(policy, "lena", "analytics", ORDERS).granted == ("schema",)
    assert decide(policy, "copilot", "analytics", ORDERS).granted == ()  # id matches, role does not


def test_field_actions_strictest_wins_and_children_inherit():
    policy = policy_from(policy_data())
    fields = FieldPolicy(policy, "copilot", "code-assist", STRIPE)
    email = FieldFacts("customers.email", "email", "confidential", frozenset({"pii"}))
    judged = fields.judge(email)
    assert judged.action == "omit" and judged.rules == ("pii-omitted-for-machines",)
    balance = fields.judge(FieldFacts("customers.balance", "balance", "confidential"))
    assert balance.action == "type-only"
    public = fields.judge(FieldFacts("customers.currency", "currency", "public"))
    assert public.action == "show" and public.rules == ()
    child = fields.judge(FieldFacts("customers.address.country", "country", "public"), floor=judged)
    assert child.action == "omit"  # never laxer than its parent
    human = FieldPolicy(policy, "lmeyer", "code-assist", KAFKA)
    assert human.judge(email).action == "show"
    assert human.judge(FieldFacts("order_events.client_ip", "client_ip", "restricted")).action == "redact-name"


def test_field_actions_by_name_glob_and_classification_list():
    data = minimal(**{"field-actions": [
        {"id": "ids-type-only", "fields": {"names": ["*_id"]}, "action": "type-only"},
        {"id": "internal-redacted", "requesters": {"ids": ["lena"]}, "fields": {"classifications": ["internal"]},
         "action": "redact-name"}]})
    policy = policy_from(data)
    copilot = FieldPolicy(policy, "copilot", "code-assist", ORDERS)
    assert copilot.judge(FieldFacts("orders.order_id", "order_id", "internal")).action == "type-only"
    assert copilot.judge(FieldFacts("orders.status", "status", "internal")).action == "show"
    lena = FieldPolicy(policy, "lena", "code-assist", ORDERS)
    judged = lena.judge(FieldFacts("orders.order_id", "order_id", "internal"))
    assert judged.action == "redact-name" and judged.rules == ("internal-redacted",)
