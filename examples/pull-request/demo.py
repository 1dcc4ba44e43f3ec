"""The pull-request check on the bundled examples, as GitHub would run it.

Builds a git repository in a temp dir: a base commit with the contracts of examples/specs and the dbt files
generated from them, and a head commit with change.patch applied (a breaking change with too small a version bump,
a documentation fix, a volume increase; the dbt files are not regenerated). Then runs `dativo-check ci` against the
base and prints its report, and where the comment, JSON report and SARIF file are.

    python examples/pull-request/demo.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPECS = HERE.parent / "specs"
# fixed identity and dates, so the commits (and the report that names them) are the same on every machine
_GIT_ENV = {"GIT_AUTHOR_NAME": "Demo", "GIT_AUTHOR_EMAIL": "demo@example.com", "GIT_COMMITTER_NAME": "Demo",
            "GIT_COMMITTER_EMAIL": "demo@example.com", "GIT_AUTHOR_DATE": "2026-01-15T10:00:00Z",
            "GIT_COMMITTER_DATE": "2026-01-15T10:00:00Z", "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1"}


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **_GIT_ENV})


def _dativo(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dativo_check", *args], cwd=root, text=True, capture_output=True,
                          env={key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")})


def build_repository(root: Path) -> None:
    """The base and head commits of the example pull request, in `root` (an empty folder)."""
    shutil.copytree(SPECS, root / "specs")
    _git(root, "init", "-q", "-b", "main")
    generated = _dativo(root, "dbt", "generate")
    if generated.returncode != 0:
        raise SystemExit(f"dbt generate failed:\n{generated.stderr}")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "Contracts of the webshop, CRM and billing data products")
    _git(root, "apply", str(HERE / "change.patch"))
    _git(root, "commit", "-q", "-a", "-m", "Drop the order status; document deleted Stripe customers; more contacts")


def run_check(root: Path, out: Path) -> subprocess.CompletedProcess:
    return _dativo(root, "ci", "--base", "HEAD~1", "--fail-on-bump", "--json", str(out / "report.json"),
                   "--sarif", str(out / "report.sarif"), "--markdown", str(out / "comment.md"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the repository in DIR and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="dativo-check-demo-"))
    if root.exists() and any(root.iterdir()):
        raise SystemExit(f"{root} is not empty")
    root.mkdir(parents=True, exist_ok=True)
    build_repository(root / "repo")
    done = run_check(root / "repo", root)
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    if done.returncode == 2:
        return 2
    verdict = "fails, as it should for this change" if done.returncode == 1 else "passes"
    print(f"\nThe check {verdict} (exit code {done.returncode}). The pull-request comment it would post is "
          f"{root / 'comment.md'}; the JSON report {root / 'report.json'}; the SARIF file {root / 'report.sarif'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
