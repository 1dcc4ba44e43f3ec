"""The command line: parse arguments, call one stage function, render, choose the exit code.

Exit codes: 0 no error-level findings, 1 error-level findings (the gate fails), 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from dativo_check import __version__
from dativo_check.errors import UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 itself; keep its message short and uniform
        self.print_usage(sys.stderr)
        raise SystemExit(f"{self.prog}: error: {message}")


def _common(parser: argparse.ArgumentParser, formats: Sequence[str] | None = None) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="configuration file (default: .dativo-check.yaml or [tool.dativo-check] in pyproject.toml)")
    if formats:
        parser.add_argument("--format", "-f", choices=formats, default="text", help="output format (default: text)")
        parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE")
        parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                            help="colour text output (auto: only on a terminal, honouring NO_COLOR)")


def build_parser() -> argparse.ArgumentParser:
    from dativo_check.report import FORMATS

    parser = _Parser(prog="dativo-check", description="Keep ODCS data contracts honest in code review.")
    parser.add_argument("--version", action="version", version=f"dativo-check {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    validate = commands.add_parser("validate", help="validate contracts against the ODCS schema and lint rules",
                                   description="Validate contracts (all contracts of the repository when no paths "
                                               "are given) against the ODCS schema of their apiVersion, the lint "
                                               "rules and the Dativo profile.")
    validate.add_argument("paths", nargs="*", metavar="PATH", help="contract files or folders")
    _common(validate, FORMATS)
    validate.add_argument("--strict", action="store_true", default=None,
                          help="use the strict ODCS schema where one exists (v3.0.2)")
    validate.add_argument("--no-profile", dest="profile", action="store_false", default=None,
                          help="skip the Dativo profile rules (owner, classification, retention, cost centre)")
    validate.add_argument("--contracts-only", action="store_true",
                          help="skip named files that are not contracts (for hooks that pass every staged YAML file)")
    validate.set_defaults(handler=_validate)

    rules = commands.add_parser("rules", help="list every rule with its id, level and explanation")
    rules.add_argument("rule", nargs="?", metavar="RULE_ID", help="show one rule in full")
    rules.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    rules.set_defaults(handler=_rules)

    migrate = commands.add_parser("migrate", help="convert legacy Dativo asset files into ODCS v3.0.2 contracts",
                                  description="Convert legacy Dativo asset files into ODCS v3.0.2 contracts. "
                                              "Without --write or --out, prints the converted contracts (each "
                                              "after a `# --- FILE` line when there are several); notes go to "
                                              "stderr. See docs/migration.md.")
    migrate.add_argument("files", nargs="+", metavar="FILE")
    target = migrate.add_mutually_exclusive_group()
    target.add_argument("--write", action="store_true", help="replace each file with its converted contract")
    target.add_argument("--out", type=Path, metavar="DIR",
                        help="write converted contracts into DIR/<source>/vMAJOR.MINOR/<object>.yaml")
    migrate.add_argument("--force", action="store_true",
                         help="with --out, overwrite existing files whose content differs")
    _common(migrate)
    migrate.set_defaults(handler=_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        if isinstance(stop.code, str):
            print(stop.code, file=sys.stderr)
            return EXIT_ERROR
        return int(stop.code or 0)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UsageError as error:
        print(f"dativo-check: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("dativo-check: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - the last line of defence: a message, never a traceback
        if os.environ.get("DATIVO_CHECK_DEBUG"):
            raise
        print(f"dativo-check: internal error: {type(error).__name__}: {error}\n"
              "Set DATIVO_CHECK_DEBUG=1 to see the traceback, and please report it.", file=sys.stderr)
        return EXIT_ERROR


def _config(args: argparse.Namespace):
    from dativo_check.config import load_config

    return load_config(explicit=args.config)


def _use_color(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return args.color == "always"
    if args.output is not None or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _emit(text: str, args: argparse.Namespace) -> None:
    if getattr(args, "output", None) is not None:
        from dativo_check.fsutil import write_atomic

        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _validate(args: argparse.Namespace) -> int:
    from dativo_check.report import Report, renderer
    from dativo_check.validate.engine import validate

    config = _config(args).with_options(strict=args.strict, profile=args.profile)
    _require_existing(args.paths)
    paths = args.paths
    if args.contracts_only:
        from dativo_check.contract.discover import only_contracts

        paths = only_contracts(paths, config)
        if not paths:
            return EXIT_OK
    result = validate(paths, config)
    if not result.files:
        raise UsageError("no contracts found; name contract files, or run in a repository that has "
                         "files with `kind: DataContract` (or set `paths` in .dativo-check.yaml)")
    files = tuple(sorted({*(c.file for c in result.contracts), *(f.file for f in result.findings)}))
    report = Report("validate", files, result.findings)
    _emit(renderer(args.format)(report, color=_use_color(args)), args)
    return EXIT_FINDINGS if report.failed else EXIT_OK


def _require_existing(paths: Sequence[str]) -> None:
    missing = [path for path in paths if not os.path.exists(path)]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")


def _rules(args: argparse.Namespace) -> int:
    import json

    from dativo_check import catalog
    from dativo_check.docs import rule_markdown, rules_table

    rules = catalog.all_rules()
    if args.rule:
        chosen = [rule for rule in rules if rule.id == args.rule]
        if not chosen:
            raise UsageError(f"unknown rule id {args.rule!r}; `dativo-check rules` lists them")
        rules = chosen
    if args.format == "json":
        sys.stdout.write(json.dumps([rule.to_dict() for rule in rules], indent=2) + "\n")
    elif args.format == "markdown" or args.rule:
        sys.stdout.write("\n".join(rule_markdown(rule) for rule in rules))
    else:
        sys.stdout.write(rules_table(rules, markdown=False))
    return EXIT_OK


def _migrate(args: argparse.Namespace) -> int:
    from dativo_check.contract.migrate import migrate_files
    from dativo_check.report import Report, renderer

    if args.force and args.out is None:
        raise UsageError("--force only applies to --out DIR")
    _require_existing(args.files)
    results = migrate_files(args.files, _config(args), write=args.write, out=args.out, force=args.force)
    headed = len(results) > 1
    for result in results:
        if result.written is not None:
            print(f"{result.file}: migrated to {result.written}", file=sys.stderr)
        elif result.text is not None and not args.write and args.out is None:
            sys.stdout.write((f"# --- {result.file}\n" if headed else "") + result.text)
    findings = tuple(finding for result in results for finding in result.findings)
    if findings:
        sys.stderr.write(renderer("text")(Report("migrate", tuple(result.file for result in results), findings)))
    migrated = sum(result.ok for result in results)
    if migrated == len(results):
        return EXIT_OK
    return EXIT_FINDINGS if migrated else EXIT_ERROR
