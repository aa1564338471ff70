"""The API gateway in front of the REST demo's API: the calls a scenario has it refuse itself.

A scenario's ``gateway_refuse`` (``"all"`` or REST operation names) has the gateway answer
those calls with its own 403 JSON, not Nmbrs' problem body, before the API sees them: what a
subscription key whose product lacks the API, or a gateway policy, looks like to a client.
"""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from nmbrs_client.rest_operations import OPERATIONS, RestOp
from nmbrs_demo.rest.observe import Exchange
from nmbrs_demo.rest.spec import OperationIndex
from nmbrs_demo.scenarios import GATEWAY_ALL, Scenario


class GatewayRefusals:
    """Which calls the gateway refuses: every one, or those of the named operations."""

    def __init__(self, scenario: Scenario, index: OperationIndex) -> None:
        self.index = index
        self.every_call = GATEWAY_ALL in scenario.gateway_refused
        self.paths = frozenset(
            OPERATIONS[RestOp(name)].path
            for name in scenario.gateway_refused
            if name != GATEWAY_ALL
        )

    def refuses(self, method: str, path: str) -> bool:
        if self.every_call:
            return True
        if not self.paths:
            return False
        found = self.index.find(method, path)
        return found is not None and found[0].template in self.paths


def refusal(exchange: Exchange | None) -> Response:
    """The gateway's own 403: no code, type or title, and nothing about the subscription key
    (the key was accepted)."""
    if exchange is not None:
        exchange.off_spec = "scenario gateway_refuse (the API gateway's own 403)"
    body = {"statusCode": 403, "message": "Forbidden: the gateway's policy refused this call."}
    return JSONResponse(body, status_code=403)
