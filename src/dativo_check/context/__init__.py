"""Policy-guarded AI context: safe metadata about contracts for AI agents, audited; CLI, bundle and MCP server."""
