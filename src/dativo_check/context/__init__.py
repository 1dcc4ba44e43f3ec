"""Policy-guarded AI context: safe metadata about contracts for AI agents, audited; CLI, bundle and MCP server.

The stages, in the order a request flows through them:

- `policy`: the policy model, loading (schema + `lint`) and its canonical hash;
- `assets`: the catalogue (newest contract per id, the facts rules select by, the lineage graph);
- `decide`: capabilities per requester, purpose and asset (default deny, deny overrides), property actions;
- `document` (+ `text`): context documents built from an allow-list, with a redaction manifest;
- `bound`: the response size limit and the response hash;
- `audit`: the hash-chained audit log, appended fail-closed, and its verification;
- `engine`: `ContextService`, which runs the stages for each request (`open_service` builds one from a config);
- `bundle` (+ `pages`): llms.txt and a Markdown and JSON page per visible asset;
- `policytest`, `policydiff`: policy expectations in CI, and widening/narrowing between two policies;
- `mcp_server`: the MCP tools over `ContextService` (imports the MCP SDK; only loaded by `dativo-check mcp`);
- `cli`: argparse glue; `rules`: the rule metadata for the catalogue.
"""
