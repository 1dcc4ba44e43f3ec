"""Command-line glue for `dativo-check context ...`, `dativo-check policy ...` and `dativo-check mcp`.

Exit codes: 0 allowed (or no error-level findings), 1 denied (or error-level findings: a broken audit chain, a
failed policy test, a policy change that widens access), 2 usage error, including an audit line that could not be
written (the request is refused and nothing is printed) and a policy that cannot be used.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable

from dativo_check import cliutil
from dativo_check.core.errors import UsageError

EXIT_OK, EXIT_DENIED = 0, 1
REQUESTER_ENV = "DATIVO_CONTEXT_REQUESTER"


def register(commands: Any, common: Callable[..., None]) -> None:
    """Add the context commands to the CLI's subcommand parser."""
    from dativo_check.report import FORMATS

    context = commands.add_parser(
        "context", help="policy-guarded context about contracts for AI agents (get, search, explain, bundle)",
        description="Safe, audited context about the contracts for AI agents: what data exists, what it means, who "
                    "owns it, where it comes from and what it costs, never the data itself, and only as far as the "
                    "policy allows the requester for the stated purpose. See docs/ai-context.md.")
    # sub-actions use the same parser class as the main CLI (short, uniform usage errors)
    actions = context.add_subparsers(dest="context_command", metavar="SUBCOMMAND", parser_class=type(context))
    actions.required = True

    get = actions.add_parser("get", help="the context of one asset (JSON, or Markdown)")
    get.add_argument("asset", metavar="ASSET", help="contract id")
    _request_options(get, common)
    get.add_argument("--format", "-f", choices=("json", "markdown"), default="json")
    get.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the response to FILE (atomically)")
    get.set_defaults(handler=_get)

    search = actions.add_parser("search", help="visible assets whose names or descriptions contain every word")
    search.add_argument("query", metavar="QUERY", help="words to look for (\"\" lists every visible asset)")
    _request_options(search, common)
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    search.add_argument("--format", "-f", choices=("json", "text"), default="json")
    search.set_defaults(handler=_search)

    explain = actions.add_parser("explain", help="dry run: how the policy decides, rule by rule (audited)",
                                 description="Print the decision trace for one asset: every rule, whether it "
                                             "matched and why not, the granted capabilities and the action on each "
                                             "property. No context is given; the request is audited as `explain`. "
                                             "Only for the policy's authors (its `authors` list): it shows an "
                                             "asset's facts even when it is hidden.")
    explain.add_argument("asset", metavar="ASSET", help="contract id")
    _request_options(explain, common)
    explain.add_argument("--for", dest="subject", metavar="ID",
                         help="explain the decision for this declared requester (default: the requester itself)")
    explain.add_argument("--format", "-f", choices=("text", "json"), default="text")
    explain.set_defaults(handler=_explain)

    bundle = actions.add_parser("bundle", help="write llms.txt and a Markdown and JSON page per visible asset",
                                description="Write a static context bundle into DIR: llms.txt, index.json and, per "
                                            "visible asset, assets/<id>.md and assets/<id>.json. Each page is a "
                                            "`context get` response, audited as `bundle`.")
    _request_options(bundle, common)
    bundle.add_argument("--out", type=Path, metavar="DIR", required=True, help="output folder")
    bundle.set_defaults(handler=_bundle)

    verify = actions.add_parser("verify-audit", help="check that the audit log's hash chain is unbroken",
                                description="Recompute the hash chain of an audit log: exit 1 with the line number "
                                            "when a line was edited, removed or reordered.")
    verify.add_argument("file", metavar="FILE", type=Path)
    verify.add_argument("--head", metavar="HASH",
                        help="a head hash printed by an earlier run: the chain must still contain it (catches lines "
                             "removed from the end)")
    verify.add_argument("--format", "-f", choices=("text", "json"), default="text")
    common(verify)
    verify.set_defaults(handler=_verify)

    policy = commands.add_parser("policy", help="lint, test and compare context policies")
    policy_actions = policy.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", parser_class=type(policy))
    policy_actions.required = True

    lint = policy_actions.add_parser("lint", help="validate a policy against its schema and lint it")
    lint.add_argument("policy", nargs="?", metavar="POLICY", help="policy file (default: context.policy)")
    common(lint, FORMATS)
    lint.set_defaults(handler=_policy_lint)

    test = policy_actions.add_parser("test", help="run allow/deny expectations against a policy",
                                     description="Run the cases of policy test files (schema "
                                                 "schemas/context/policy-tests.schema.json); exit 1 listing every "
                                                 "mismatch. Nothing is audited: cases are evaluations, not requests.")
    test.add_argument("fixtures", nargs="+", metavar="FIXTURES")
    test.add_argument("--policy", metavar="FILE", help="policy file (default: the file's `policy`, else "
                                                       "context.policy)")
    _contracts_option(test, "to test against", "the file's `contracts`, else every contract of the repository")
    common(test, FORMATS)
    test.set_defaults(handler=_policy_test)

    diff = policy_actions.add_parser(
        "diff", help="report a policy change that widens who sees what (error) or narrows it (info)",
        description="Compare two policies by their decisions (diff OLD NEW), or the policy with its version at a git "
                    "ref (diff --base REF [POLICY]). Widening access is an error-level finding, like a breaking "
                    "change; narrowing it is info.")
    diff.add_argument("paths", nargs="*", metavar="POLICY", help="OLD NEW, or with --base the policy (default: "
                                                                 "context.policy)")
    diff.add_argument("--base", metavar="REF", help="compare with the policy at this git ref")
    _contracts_option(diff, "to evaluate on")
    common(diff, FORMATS)
    diff.set_defaults(handler=_policy_diff)

    mcp = commands.add_parser(
        "mcp", help="serve the context over MCP (stdio) to AI agents; needs the [mcp] extra",
        description="A stdio MCP server with read-only tools (search_assets, get_asset_context, get_lineage, "
                    "get_cost), under the same policy and audit as `context`. The requester is fixed at start "
                    f"(--requester or {REQUESTER_ENV}); the tools take a purpose, never a requester.")
    _identity_options(mcp, common)
    mcp.set_defaults(handler=_mcp)


def _identity_options(parser: argparse.ArgumentParser, common: Callable[..., None]) -> None:
    parser.add_argument("--requester", metavar="ID",
                        help=f"who is asking, as declared in the policy (default: ${REQUESTER_ENV}); fixed for the "
                             "whole run")
    parser.add_argument("--policy", metavar="FILE", help="policy file (default: context.policy of the "
                                                         "configuration; none: every request is denied)")
    parser.add_argument("--audit", metavar="FILE", help="audit log, a .jsonl file (default: context.audit, "
                                                        ".dativo/context-audit.jsonl)")
    _contracts_option(parser, "to answer about")
    common(parser)


def _request_options(parser: argparse.ArgumentParser, common: Callable[..., None]) -> None:
    _identity_options(parser, common)
    parser.add_argument("--purpose", required=True, metavar="PURPOSE",
                        help="why the context is needed: one of the policy's purposes")


def _contracts_option(parser: argparse.ArgumentParser, use: str,
                      default: str = "every contract of the repository") -> None:
    parser.add_argument("--contracts", action="append", metavar="PATH",
                        help=f"contract files or folders {use} (default: {default}); repeatable")


# --- handlers ------------------------------------------------------------------------------------------------------

def _service(args: argparse.Namespace, unconfigured_warning: bool = True) -> Any:
    """The service of a request command; without any policy it denies everything, which stderr explains."""
    from dativo_check.context.engine import NO_POLICY, open_service

    requester = args.requester or os.environ.get(REQUESTER_ENV)
    if not requester:
        raise UsageError(f"who is asking? pass --requester ID or set {REQUESTER_ENV}")
    cliutil.require_existing(args.contracts or ())
    service, warnings = open_service(cliutil.config(args), requester, args.policy, args.audit, args.contracts or ())
    for warning in warnings:
        print(f"{warning.location}: warning: {warning.message} ({warning.rule})", file=sys.stderr)
    if not service.configured and unconfigured_warning:
        print(f"dativo-check: warning: {NO_POLICY}", file=sys.stderr)
    return service


def _json(document: Any) -> str:
    import json

    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def _get(args: argparse.Namespace) -> int:
    response = _service(args).get(args.asset, args.purpose)
    if args.format == "markdown" and response.allowed:
        from dativo_check.context.pages import asset_page

        cliutil.emit(asset_page(response.document), args)
    else:
        cliutil.emit(_json(response.document), args)
    return EXIT_OK if response.allowed else EXIT_DENIED


def _search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    response = _service(args).search(args.query, args.purpose, args.limit)
    document = response.document
    if args.format == "json" or not response.allowed:
        sys.stdout.write(_json(document))
    else:
        for result in document["results"]:
            sys.stdout.write(f"{result['id']}  {result.get('name', '')}  {result.get('description', '')}\n")
        sys.stdout.write(f"{len(document['results'])} of {document['total']} visible asset(s) match\n")
    return EXIT_OK if response.allowed else EXIT_DENIED


def _explain(args: argparse.Namespace) -> int:
    response = _service(args).explain(args.asset, args.purpose, args.subject)
    document = response.document
    if args.format == "json" or "trace" not in document:  # a refusal has no trace to print
        sys.stdout.write(_json(document))
    else:
        sys.stdout.write(_explain_text(document))
    return EXIT_OK if response.allowed else EXIT_DENIED


def _explain_text(document: dict[str, Any]) -> str:
    facts = document["facts"]
    lines = [f"asset {document['asset']}: " + ("not found" if facts is None else
                                               f"domain {facts['domain'] or '-'}, tags "
                                               f"{', '.join(facts['tags']) or '-'}, highest classification "
                                               f"{facts['highestClassification']}"),
             f"requester {document['for']}, purpose {document['purpose']}, policy {document['policy_hash']}",
             ""]
    width = max([len(step["rule"]) for step in document["trace"]] + [4])
    grants = [f"[{', '.join(step['capabilities'])}]" for step in document["trace"]]
    grant_width = max([len(grant) for grant in grants] + [2])
    for step, grant in zip(document["trace"], grants, strict=True):
        verdict = "MATCH" if step["matched"] else "no   "
        reason = "" if step["matched"] else step["reason"]
        lines.append(f"  {step['rule'].ljust(width)}  {step['effect']:<5}  {verdict}  {grant.ljust(grant_width)}  "
                     f"{reason}".rstrip())
    lines.append("")
    for capability, rules in document["allowed_by"].items():
        lines.append(f"  {capability:<10} allowed by {', '.join(rules)}")
    for capability, rules in document["denied_by"].items():
        lines.append(f"  {capability:<10} denied by {', '.join(rules)}")
    if document["fields"]:
        lines += ["", "properties:"]
        width = max(len(entry["path"]) for entry in document["fields"])
        lines += [f"  {entry['path'].ljust(width)}  {entry['action']}"
                  + (f"  ({', '.join(entry['rules'])})" if entry["rules"] else "") for entry in document["fields"]]
    lines += ["", f"decision: {document['decision']}" + (f" ({', '.join(document['capabilities'])})"
                                                        if document["capabilities"] else "")]
    return "\n".join(lines) + "\n"


def _bundle(args: argparse.Namespace) -> int:
    from dativo_check.context.bundle import describe, write_bundle

    bundle = write_bundle(_service(args), args.purpose, args.out)
    if not bundle.index.allowed:
        sys.stdout.write(_json(bundle.index.document))
        if bundle.removed:
            print(f"removed the {len(bundle.removed)} file(s) of the earlier bundle in {args.out}", file=sys.stderr)
        return EXIT_DENIED
    print(describe(bundle, args.out), file=sys.stderr)
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from dativo_check.context.audit import verify

    if not args.file.is_file():
        raise UsageError(f"{args.file}: audit log not found")
    result = verify(args.file, args.head)
    if args.format == "json":
        sys.stdout.write(_json({"file": str(args.file), "lines": result.lines, "head": result.head, "ok": result.ok,
                                "problem": result.problem.to_dict() if result.problem else None}))
    elif result.ok:
        print(f"{args.file}: {result.lines} line(s), hash chain intact; head {result.head}")
    else:
        problem = result.problem
        print(f"{problem.location}: error: {problem.message} ({problem.rule})")
    return EXIT_OK if result.ok else EXIT_DENIED


def _policy_path(config: Any, given: str | None) -> str:
    path = given or (str(config.root / config.context.policy) if config.context.policy else None)
    if path is None:
        raise UsageError("no policy file: name one, or set context.policy in .dativo-check.yaml")
    if not os.path.isfile(path):
        raise UsageError(f"{path}: policy file not found")
    return path


def _report(args: argparse.Namespace, command: str, files: tuple[str, ...], findings: Any, config: Any) -> int:
    from dativo_check.core.model import Finding
    from dativo_check.report import Report, renderer, settle

    report = settle(Report(command, files, tuple(sorted(findings, key=Finding.sort_key))), config.rule_levels)
    cliutil.emit(renderer(args.format)(report, color=cliutil.use_color(args)), args)
    return EXIT_DENIED if report.failed else EXIT_OK


def _policy_lint(args: argparse.Namespace) -> int:
    from dativo_check.context.policy_file import load_policy

    config = cliutil.config(args)
    path = _policy_path(config, args.policy)
    return _report(args, "policy-lint", (path,), load_policy(path).findings, config)


def _policy_test(args: argparse.Namespace) -> int:
    from functools import cache

    from dativo_check.context.assets import from_repository
    from dativo_check.context.policy_file import read_policy
    from dativo_check.context.policytest import run_files

    config = cliutil.config(args)
    cliutil.require_existing(args.fixtures, "policy test file")

    # Test files usually share one policy and one set of contracts: each is read once, not once per file.
    @cache
    def policy_at(path: str) -> Any:
        return read_policy(path)[0]

    @cache
    def catalog_of(paths: tuple[str, ...]) -> Any:
        return from_repository(config, paths)

    outcome = run_files(args.fixtures, lambda suite: policy_at(_policy_path(config, args.policy or suite.policy)),
                        lambda suite: catalog_of(tuple(args.contracts or suite.contracts)))
    code = _report(args, "policy-test", tuple(args.fixtures), outcome.findings, config)
    failed = len({(finding.file, finding.line) for finding in outcome.findings})
    print(f"{outcome.cases - failed} of {outcome.cases} policy test case(s) passed", file=sys.stderr)
    return code


def _policy_diff(args: argparse.Namespace) -> int:
    from dativo_check.context.assets import from_repository
    from dativo_check.context.policy_file import load_policy, usable
    from dativo_check.context.policydiff import diff

    config = cliutil.config(args)
    if args.base is None:
        if len(args.paths) != 2:
            raise UsageError("policy diff needs two policy files (diff OLD NEW), or --base REF [POLICY]")
        old_file, new_file = args.paths
        cliutil.require_existing(args.paths, "policy file")
        old, _ = usable(load_policy(old_file))
    else:
        if len(args.paths) > 1:
            raise UsageError("with --base, name at most one policy file")
        new_file = _policy_path(config, args.paths[0] if args.paths else None)
        old_file = f"{args.base}:{new_file}"
        old = _policy_at(config, args.base, new_file, old_file)
    new, _ = usable(load_policy(new_file))
    catalog = from_repository(config, tuple(args.contracts or ()))
    return _report(args, "policy-diff", (old_file, new_file), diff(old, new, catalog, new_file), config)


def _policy_at(config: Any, ref: str, path: str, label: str) -> Any:
    """The policy at `path` as of git `ref`; a policy the ref does not have is the empty one (denies everything)."""
    from dativo_check.context.policy import Policy
    from dativo_check.context.policy_file import load_policy_bytes, usable
    from dativo_check.contract import git

    commit = git.resolve(config.root, ref)
    relative = os.path.relpath(os.path.abspath(path), config.root).replace(os.sep, "/")
    listed = git.run(config.root, "ls-tree", "--name-only", commit, "--", relative).strip()
    if not listed:
        return Policy()
    return usable(load_policy_bytes(git.run(config.root, "show", f"{commit}:./{relative}"), label))[0]


def _mcp(args: argparse.Namespace) -> int:
    try:
        import mcp  # noqa: F401 - only to say clearly what is missing
    except ImportError:
        raise UsageError("the MCP server needs the MCP SDK: pip install 'dativo-check[mcp]'") from None
    from dativo_check.context.engine import NO_POLICY

    service = _service(args, unconfigured_warning=False)
    if service.unusable is not None:
        raise UsageError(service.unusable)
    if not service.configured:
        raise UsageError(f"{NO_POLICY}; refusing to serve")
    if not service.policy.rules:
        raise UsageError("the context policy has no rules: every request would be denied; refusing to serve")
    if service.policy.requester(service.requester) is None:
        raise UsageError(f"requester {service.requester!r} is not declared in the policy; refusing to serve")
    from dativo_check.context.mcp_server import serve

    serve(service)
    return EXIT_OK
