"""`dativo-check mcp`: the context service as a stdio MCP server (the official MCP Python SDK, `[mcp]` extra).

Four read-only tools: search assets, get asset context, get lineage, get cost. Each takes the request's `purpose`;
none takes a requester: the identity is the one the server was started with, so an agent cannot claim to be
someone else. Every call goes through the same policy, allow-list, size bound and audit as the CLI.

The SDK is imported only here, and this module only when the `mcp` command runs. No `from __future__ import
annotations` here: the SDK reads the tools' parameter annotations at runtime, and those name types imported inside
`build_server`.
"""

from typing import Any

from dativo_check.context.engine import ContextService, Response
from dativo_check.core.errors import UsageError

INSTRUCTIONS = (
    "Metadata about the organisation's data contracts (names, types, descriptions, owners, lineage, costs), as far "
    "as the access policy allows for your identity and the purpose you state. It never contains data. Every call "
    "is audited. Name your purpose in each call; properties and assets you may not see are left out, and the "
    "`redactions` list of each answer says what was withheld and by which rule."
)
PURPOSE_HELP = "Why you need this: one of the purposes the policy allows (a denial lists them)."


def build_server(service: ContextService) -> Any:
    """An MCPServer whose tools answer from `service`."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError
    from mcp.types import ToolAnnotations
    from pydantic import Field
    from typing_extensions import Annotated

    from dativo_check import __version__

    server = MCPServer(name="dativo-check", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")
    # Read-only and closed-world: the tools change nothing and reach nothing outside the repository. Not
    # idempotent in the strict sense, since each call appends an audit line.
    read_only = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=False, openWorldHint=False)
    Purpose = Annotated[str, Field(description=PURPOSE_HELP, max_length=200)]
    Asset = Annotated[str, Field(description="The contract id of the asset, as search_assets returns it.",
                                 max_length=500)]

    def answer(respond: Any) -> dict[str, Any]:
        try:
            response: Response = respond()
        except UsageError as error:  # the audit line could not be written: fail closed, answer nothing
            raise ToolError(str(error)) from None
        return response.document

    def search_assets(query: Annotated[str, Field(description="Words to look for in asset names and descriptions "
                                                              "(empty: every asset you may see).",
                                                  max_length=500)],
                      purpose: Purpose) -> dict[str, Any]:
        """Find the data assets (contracts) you may see whose names or descriptions contain every word."""
        return answer(lambda: service.search(query, purpose))

    def get_asset_context(asset: Asset, purpose: Purpose) -> dict[str, Any]:
        """The context of one asset: description, schema (names, types, descriptions, classification), governance
        (owners, status, retention, regulations), lineage and cost, as far as the policy allows."""
        return answer(lambda: service.get(asset, purpose))

    def get_lineage(asset: Asset, purpose: Purpose) -> dict[str, Any]:
        """Where an asset's data comes from and where it goes; assets you may not see are placeholders."""
        return answer(lambda: service.lineage(asset, purpose))

    def get_cost(asset: Asset, purpose: Purpose) -> dict[str, Any]:
        """The estimated monthly cost of an asset (compute, storage, network, API calls) and its basis."""
        return answer(lambda: service.cost(asset, purpose))

    for tool in (search_assets, get_asset_context, get_lineage, get_cost):
        server.add_tool(tool, annotations=read_only)
    return server


def serve(service: ContextService) -> None:
    """Serve over stdin/stdout until the client closes the connection."""
    build_server(service).run("stdio")
