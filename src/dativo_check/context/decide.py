"""Decisions: which capabilities a requester has on an asset for a purpose, and what happens to each property.

Default deny: a capability is granted only when an allow rule grants it and no deny rule matches; a deny overrides
every allow. Every decision names the rules that decided it and keeps the trace of every rule for `explain`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from dativo_check.context.policy import (ACTIONS, CAPABILITIES, DEFAULT_DENY, PURPOSE_NOT_ALLOWED, UNKNOWN_REQUESTER,
                                         AssetFacts, FieldFacts, FieldRule, Policy, Requester)


@dataclass(frozen=True)
class RuleTrace:
    """How one rule judged one request: matched, or the first condition that did not hold."""

    rule: str
    effect: str
    capabilities: tuple[str, ...]
    matched: bool
    reason: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "effect": self.effect, "capabilities": list(self.capabilities),
                "matched": self.matched, "reason": self.reason}


@dataclass(frozen=True)
class Decision:
    requester: str
    purpose: str
    asset: str | None
    granted: tuple[str, ...]
    # capability -> the allow rules that granted it
    allowed_by: Mapping[str, tuple[str, ...]]
    # capability -> the deny rules (or the built-in decision) that withheld it
    denied_by: Mapping[str, tuple[str, ...]]
    trace: tuple[RuleTrace, ...] = ()

    @property
    def visible(self) -> bool:
        """An asset is visible, its summary shown and its id findable, when any capability is granted."""
        return bool(self.granted)

    def allows(self, capability: str) -> bool:
        return capability in self.granted

    def rules_for(self, capabilities: tuple[str, ...] = CAPABILITIES) -> tuple[str, ...]:
        """The rules that decided a request for `capabilities`: the allow rules of those granted, else the deny
        rules (or built-in decision) of those withheld."""
        granted = [capability for capability in capabilities if capability in self.granted]
        source = self.allowed_by if granted else self.denied_by
        chosen = granted or list(capabilities)
        return tuple(sorted({rule for capability in chosen for rule in source.get(capability, ())}))


def decide(policy: Policy, requester_id: str, purpose: str, asset: AssetFacts | None) -> Decision:
    """The decision for every capability at once; `asset` None is an asset that does not exist (denied like a
    hidden one)."""
    requester = policy.requester(requester_id)
    if requester is None:
        return _denied(requester_id, purpose, asset, UNKNOWN_REQUESTER)
    if purpose not in policy.purposes:
        return _denied(requester_id, purpose, asset, PURPOSE_NOT_ALLOWED)
    allows: dict[str, list[str]] = {}
    denies: dict[str, list[str]] = {}
    trace = []
    for rule in policy.rules:
        reason = _mismatch(rule.who, rule.purposes, rule.assets, requester, purpose, asset, policy)
        trace.append(RuleTrace(rule.id, rule.effect, rule.capabilities, reason is None, reason or "matched"))
        if reason is None:
            for capability in rule.capabilities:
                (allows if rule.effect == "allow" else denies).setdefault(capability, []).append(rule.id)
    granted = tuple(capability for capability in CAPABILITIES if allows.get(capability) and not denies.get(capability))
    return Decision(
        requester_id, purpose, asset.id if asset else None, granted,
        {capability: tuple(sorted(allows[capability])) for capability in granted},
        {capability: tuple(sorted(denies.get(capability) or [DEFAULT_DENY]))
         for capability in CAPABILITIES if capability not in granted},
        tuple(trace))


def _denied(requester_id: str, purpose: str, asset: AssetFacts | None, reason: str) -> Decision:
    return Decision(requester_id, purpose, asset.id if asset else None, (), {},
                    {capability: (reason,) for capability in CAPABILITIES})


def _mismatch(who, purposes, selector, requester: Requester, purpose: str, asset: AssetFacts | None,
              policy: Policy) -> str | None:
    reason = who.mismatch(requester)
    if reason is None and purposes and purpose not in purposes:
        reason = f"purpose {purpose} is not one of {', '.join(purposes)}"
    if reason is None:
        reason = "no such asset" if asset is None else selector.mismatch(asset, policy)
    return reason


@dataclass(frozen=True)
class FieldDecision:
    action: str
    rules: tuple[str, ...] = ()


SHOW = FieldDecision("show")


class FieldPolicy:
    """The field actions that apply to one requester, purpose and asset, ready to judge each property."""

    def __init__(self, policy: Policy, requester_id: str, purpose: str, asset: AssetFacts) -> None:
        self.policy = policy
        requester = policy.requester(requester_id)
        self.rules: tuple[FieldRule, ...] = () if requester is None else tuple(
            rule for rule in policy.field_rules
            if _mismatch(rule.who, rule.purposes, rule.assets, requester, purpose, asset, policy) is None)

    def judge(self, prop: FieldFacts, floor: FieldDecision = SHOW) -> FieldDecision:
        """The strictest action of the matching rules, never laxer than `floor` (the action of the parent)."""
        matched = [rule for rule in self.rules if rule.fields.matches(prop, self.policy)]
        if not matched:
            return floor
        strictest = max(ACTIONS.index(rule.action) for rule in matched)
        if strictest < ACTIONS.index(floor.action):
            return floor
        chosen = FieldDecision(ACTIONS[strictest], tuple(sorted(rule.id for rule in matched
                                                                if ACTIONS.index(rule.action) == strictest)))
        if chosen.action == floor.action:
            return FieldDecision(chosen.action, tuple(sorted(set(chosen.rules) | set(floor.rules))))
        return chosen
