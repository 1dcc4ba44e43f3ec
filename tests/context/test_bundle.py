"""The static bundle: files only inside DIR, an index of visible assets only, escaped Markdown, audited pages."""

from __future__ import annotations

import hashlib
import json
import re

import yaml
from conftest import dump
from context_helpers import audit_lines, repository, service

from dativo_check.context.bundle import page_names, write_bundle


def bundle(cli, root, out, requester="catalog-agent", purpose="catalog"):
    return cli("context", "bundle", "--out", str(out), "--requester", requester, "--purpose", purpose, cwd=root)


def files_under(folder):
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def test_bundle_lists_only_visible_assets_and_writes_only_inside_dir(cli, tmp_path):
    root = repository(tmp_path)
    before = set(files_under(tmp_path))
    out = tmp_path / "bundle"
    run = bundle(cli, root, out)
    assert run.code == 0 and "for 3 visible asset(s)" in run.err
    assert files_under(out) == ["assets/hubspot-contacts.json", "assets/hubspot-contacts.md",
                                "assets/postgres-orders.json", "assets/postgres-orders.md",
                                "assets/stripe-customers.json", "assets/stripe-customers.md", "index.json", "llms.txt"]
    created = set(files_under(tmp_path)) - before
    assert {path for path in created if not path.startswith("bundle/")} == {"repo/audit/context-audit.jsonl"}
    llms = (out / "llms.txt").read_text()
    assert llms.startswith("# Data contracts\n\n> Context about the data contracts visible to requester catalog-agent")
    assert "(assets/stripe-customers.md)" in llms and "(assets/postgres-orders.md)" in llms
    for hidden in ("kafka", "analytics-customer-orders", "analytics_customer_orders"):
        assert hidden not in llms
    for hidden in ("kafka", "Live Sales Monitor"):
        assert all(hidden not in (out / path).read_text() for path in files_under(out))
    index = json.loads((out / "index.json").read_text())
    assert [entry["id"] for entry in index["assets"]] == ["hubspot-contacts", "postgres-orders", "stripe-customers"]


def test_pages_are_the_get_responses_and_each_is_audited(cli, tmp_path):
    root = repository(tmp_path)
    out = tmp_path / "bundle"
    assert bundle(cli, root, out, "copilot", "code-assist").code == 0
    lines = audit_lines(root / "audit" / "context-audit.jsonl")
    assert [line["action"] for line in lines] == ["bundle-index"] + ["bundle"] * 4
    assert [line["resource"] for line in lines[1:]] == ["analytics-customer-orders", "hubspot-contacts",
                                                         "postgres-orders", "stripe-customers"]
    page = json.loads((out / "assets" / "stripe-customers.json").read_text())
    got = cli("context", "get", "stripe-customers", "--requester", "copilot", "--purpose", "code-assist",
              cwd=root).json()
    assert page == {**got, "action": "bundle"}
    from dativo_check.context.bound import response_hash

    assert lines[-1]["response_hash"] == response_hash(page)
    markdown = (out / "assets" / "stripe-customers.md").read_text()
    assert markdown.startswith("# stripe\\_customers\n")
    assert "| `customer_id` | string VARCHAR(255) | internal |" in markdown
    assert "email" not in markdown.split("## Schema")[1].split("## Governance")[0]  # omitted for agents


def test_markdown_is_escaped(tmp_path):
    data = yaml.safe_load((repository(tmp_path) / "specs/postgres/v1.0/orders.yaml").read_text())
    data["name"] = "orders <img src=x onerror=alert(1)>"
    data["description"]["purpose"] = "[click](https://evil.example) <script>alert(1)</script> @everyone #1 **bold**"
    data["schema"][0]["properties"][0]["name"] = "order`id | x"
    data["schema"][0]["properties"][0]["description"] = "pipes | break <b>tables</b>\n# not a heading"
    from context_helpers import contract_from

    out = tmp_path / "out"
    write_bundle(service(tmp_path, "lmeyer", contracts=[contract_from(data)]), "code-assist", out)
    page = (out / "assets" / "postgres-orders.md").read_text()
    llms = (out / "llms.txt").read_text()
    for text in (page, llms):
        assert "<script>" not in text and "<img" not in text and not re.search(r"(?<!\\)\]\(https://evil", text)
        assert "&lt;script&gt;" in text or "&lt;img" in text
    assert "\\[click\\](https:\u200b//evil.example)" in page and "@\u200beveryone" in page
    assert "\\#" in page and "\\*\\*bold\\*\\*" in page
    assert "`orderˋid \\| x`" in page  # a code span that cannot be closed, and a table cell that stays whole
    assert "pipes \\| break &lt;b&gt;tables&lt;/b&gt; \\# not a heading" in page
    assert "- [orders &lt;img src=x onerror=alert(1)&gt;](assets/postgres-orders.md)" in llms


def test_a_narrower_bundle_removes_pages_of_assets_no_longer_visible(cli, tmp_path):
    root = repository(tmp_path)
    out = tmp_path / "bundle"
    assert bundle(cli, root, out, "lmeyer", "analytics").code == 0
    assert "assets/kafka-order-events.md" in files_under(out)
    (out / "notes.md").write_text("kept: not written by dativo-check\n")
    run = bundle(cli, root, out)
    assert run.code == 0 and "removed 4 page(s)" in run.err
    assert "assets/kafka-order-events.md" not in files_under(out)
    assert "assets/analytics-customer-orders.json" not in files_under(out)
    assert (out / "notes.md").exists()


def test_writes_never_follow_a_folder_symlink_out_of_dir(cli, tmp_path):
    root = repository(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "assets").symlink_to(outside)
    run = bundle(cli, root, out)
    assert run.code == 2 and "outside" in run.err and "Traceback" not in run.err
    assert list(outside.iterdir()) == []


def test_a_previous_index_cannot_make_the_bundle_delete_other_files(cli, tmp_path):
    root = repository(tmp_path)
    out = tmp_path / "bundle"
    out.mkdir()
    victim = tmp_path / "victim.md"
    victim.write_text("keep me")
    (out / "index.json").write_text(json.dumps({"files": ["../victim.md", "assets/../../victim.md", "/etc/passwd"]}))
    assert bundle(cli, root, out).code == 0
    assert victim.read_text() == "keep me"


def test_a_denied_bundle_removes_what_the_earlier_bundle_wrote(cli, tmp_path):
    root = repository(tmp_path)
    out = tmp_path / "bundle"
    assert bundle(cli, root, out, "lmeyer", "analytics").code == 0
    (out / "notes.md").write_text("kept: not written by dativo-check\n")
    (out / "assets" / "mine.md").write_text("kept: not in the earlier index\n")
    run = bundle(cli, root, out, "lmeyer", "gossip")  # a purpose the policy dropped
    assert run.code == 1 and run.json()["rules"] == ["purpose-not-allowed"]
    assert "removed the 12 file(s) of the earlier bundle" in run.err
    assert files_under(out) == ["assets/mine.md", "notes.md"]
    assert bundle(cli, root, out).code == 0
    policy = yaml.safe_load((root / "policy.yaml").read_text())
    policy["requesters"] = [entry for entry in policy["requesters"] if entry["id"] != "catalog-agent"]
    (root / "policy.yaml").write_text(dump(policy))
    removed = bundle(cli, root, out)  # a requester the policy no longer declares
    assert removed.code == 1 and removed.json()["rules"] == ["unknown-requester"]
    assert files_under(out) == ["assets/mine.md", "notes.md"]


def test_a_blocked_bundle_is_a_usage_error_and_writes_nothing(cli, tmp_path):
    root = repository(tmp_path)
    out = tmp_path / "bundle"
    out.mkdir()
    (out / "assets").write_text("a file where the pages folder should be")
    run = bundle(cli, root, out)
    assert run.code == 2 and "cannot write the bundle" in run.err and "internal error" not in run.err
    assert files_under(out) == ["assets"]


def test_a_denied_bundle_writes_nothing(cli, tmp_path):
    root = repository(tmp_path)
    out = tmp_path / "bundle"
    run = bundle(cli, root, out, "copilot", "gossip")
    assert run.code == 1 and run.json()["rules"] == ["purpose-not-allowed"]
    assert not out.exists()
    assert audit_lines(root / "audit" / "context-audit.jsonl")[0]["action"] == "bundle-index"
    (tmp_path / "file").write_text("x")
    assert bundle(cli, root, tmp_path / "file").code == 2


def test_page_names_are_safe_file_names():
    names = page_names(["stripe-customers", "../../etc/passwd", "..-..-etc-passwd", "a b", "a-b", "x/y", ""])
    assert names["stripe-customers"] == "stripe-customers"
    unsafe = names["../../etc/passwd"]
    assert "/" not in unsafe and not unsafe.startswith(".") and unsafe != names["..-..-etc-passwd"]
    assert names["a b"] != names["a-b"]
    assert "/" not in names["x/y"] and names[""].startswith("asset")
    assert len({name.lower() for name in names.values()}) == len(names)


def test_page_names_never_collide():
    hashed = page_names(["a b"])["a b"]
    names = page_names(["a b", hashed, "Orders", "orders", "x" * 300])
    assert names[hashed] == hashed  # a safe id keeps its own name; the other one moves
    assert len({name.lower() for name in names.values()}) == 5  # also on file systems that ignore case
    assert all(len(name) <= 100 for name in names.values())


def test_an_id_spelt_like_another_ids_page_gets_its_own_page(tmp_path):
    from context_helpers import contract_from

    data = yaml.safe_load((repository(tmp_path) / "specs/postgres/v1.0/orders.yaml").read_text())
    first = dict(data, id="orders x", name="first_orders")
    # exactly the name the first asset's page would get: its safe form and the hash of its id
    second = dict(data, id="orders-x-" + hashlib.sha256(b"orders x").hexdigest()[:10], name="second_orders")
    out = tmp_path / "out"
    written = write_bundle(service(tmp_path, "lmeyer", contracts=[contract_from(first), contract_from(second)]),
                           "code-assist", out)
    index = json.loads((out / "index.json").read_text())
    assert len({entry["json"] for entry in index["assets"]}) == 2 and len(written.written) == 6
    for entry in index["assets"]:
        assert json.loads((out / entry["json"]).read_text())["contract"]["id"] == entry["id"]


def test_an_empty_bundle_says_so(cli, tmp_path):
    policy = yaml.safe_load((repository(tmp_path) / "policy.yaml").read_text())
    policy["rules"] = [rule for rule in policy["rules"] if rule["effect"] == "deny"]
    root = repository(tmp_path / "empty", policy=dump(policy))
    out = tmp_path / "bundle"
    assert bundle(cli, root, out).code == 0
    assert "No asset is visible to this requester for this purpose." in (out / "llms.txt").read_text()
    assert files_under(out) == ["index.json", "llms.txt"]


def test_hostile_asset_ids_get_safe_pages_and_clean_text(tmp_path):
    from context_helpers import contract_from

    data = yaml.safe_load((repository(tmp_path) / "specs/postgres/v1.0/orders.yaml").read_text())
    data["id"] = "../orders\u202e\x1b[2J"
    out = tmp_path / "out"
    written = write_bundle(service(tmp_path, "lmeyer", contracts=[contract_from(data)]), "code-assist", out)
    assert [result["id"] for result in written.index.document["results"]] == ["../orders [2J"]
    pages = [path for path in files_under(out) if path.startswith("assets/")]
    assert len(pages) == 2 and all(path.count("/") == 1 and "\x1b" not in path for path in pages)
    page = json.loads((out / pages[0]).read_text())
    assert page["decision"] == "allow" and page["contract"]["id"] == "../orders [2J"


def test_pages_and_the_index_never_autolink_contract_text(tmp_path):
    from context_helpers import contract_from

    data = yaml.safe_load((repository(tmp_path) / "specs/postgres/v1.0/orders.yaml").read_text())
    data["name"] = "orders from www.evil.example"
    data["description"]["purpose"] = "Mirror at https://evil.example/steal?x=1, docs at WWW.evil.example, ftp://x/y"
    data["schema"][0]["properties"][0]["description"] = "see http://evil.example/o"
    out = tmp_path / "out"
    write_bundle(service(tmp_path, "lmeyer", contracts=[contract_from(data)]), "code-assist", out)
    for text in ((out / "assets" / "postgres-orders.md").read_text(), (out / "llms.txt").read_text()):
        assert "evil" in text
        assert "://" not in text and "www." not in text.lower()
