"""The identity service's routes: OpenID discovery, authorize with its consent page, token, PAR,
revocation and introspection, all under ``/identity`` as Nmbrs' identity server serves them.

The state (clients, codes, tokens) lives in :mod:`nmbrs_demo.rest.identity`; these handlers only
turn HTTP into its calls and its answers or :class:`OAuthError` back into HTTP. They reach the
demo through :class:`IdentityHost`, so this module never imports the app that mounts it.
"""

from __future__ import annotations

import html
from typing import Protocol
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from nmbrs_demo.credentials import DEMO_REST_USER_EMAIL, IDENTITY_PREFIX
from nmbrs_demo.rest.identity import IdentityService, OAuthError


class IdentityHost(Protocol):
    """What the routes need of the demo that mounts them (``request.app.state.demo``)."""

    @property
    def identity(self) -> IdentityService: ...

    def consent_debtor_names(self) -> list[str]:
        """Names of the debtors the consent page says the app may read, sorted by id."""
        ...

    def introspection_refused(self) -> bool:
        """Whether the demo plays the reading in which clients may not introspect tokens."""
        ...


def _oauth_error(exc: OAuthError) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="identityservice"'} if exc.status == 401 else {}
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", "replace")
    return dict(parse_qsl(body, keep_blank_values=True))


async def discovery(request: Request) -> Response:
    demo: IdentityHost = request.app.state.demo
    issuer = f"{request.url.scheme}://{request.url.netloc}{IDENTITY_PREFIX}"
    demo.identity.issuer = issuer
    return JSONResponse(demo.identity.discovery())


async def authorize(request: Request) -> Response:
    demo: IdentityHost = request.app.state.demo
    params = {k: v for k, v in request.query_params.items()}
    try:
        params = demo.identity.resolve_pushed(params)
        pending = demo.identity.start(params)
    except OAuthError as exc:
        if exc.redirect_to is None:
            return HTMLResponse(_page("Cannot start the login", html.escape(exc.description)), 400)
        query = {"error": exc.error, "error_description": exc.description}
        if exc.state is not None:
            query["state"] = exc.state
        separator = "&" if "?" in exc.redirect_to else "?"
        return RedirectResponse(exc.redirect_to + separator + urlencode(query), 302)
    # Demo-only shortcut for scripts and tests: decide without the page.
    scripted = params.get("demo_consent")
    if scripted in ("approve", "deny"):
        scopes = params["demo_scope"].split() if "demo_scope" in params else None
        landing = demo.identity.decide(pending.request_id, scripted == "approve", scopes)
        return RedirectResponse(landing, 302)
    offered, withheld = demo.identity.offered(pending)
    debtors = ", ".join(demo.consent_debtor_names())
    boxes = "".join(
        f'<li><label><input type="checkbox" name="scope" value="{html.escape(s)}" checked> '
        f"{html.escape(s)}</label></li>"
        for s in offered
    )
    refused = "".join(f"<li>{html.escape(s)} (not available to this app)</li>" for s in withheld)
    body = (
        f"<p>The app <b>{html.escape(pending.client_id)}</b> asks to read data of "
        f"<b>{html.escape(debtors)}</b> as {html.escape(DEMO_REST_USER_EMAIL)}.</p>"
        f'<form method="post" action="{IDENTITY_PREFIX}/connect/consent">'
        f'<input type="hidden" name="request_id" value="{pending.request_id}">'
        f"<ul>{boxes}</ul>{f'<ul>{refused}</ul>' if refused else ''}"
        '<button name="decision" value="allow">Allow</button> '
        '<button name="decision" value="deny">Deny</button></form>'
    )
    return HTMLResponse(_page("Nmbrs demo: consent", body))


async def consent(request: Request) -> Response:
    demo: IdentityHost = request.app.state.demo
    body = (await request.body()).decode("utf-8", "replace")
    pairs = parse_qsl(body, keep_blank_values=True)
    form = dict(pairs)
    scopes = [v for k, v in pairs if k == "scope"]
    try:
        landing = demo.identity.decide(
            form.get("request_id", ""), form.get("decision") == "allow", scopes
        )
    except OAuthError as exc:
        return HTMLResponse(_page("Consent failed", html.escape(exc.description)), 400)
    return RedirectResponse(landing, 302)


async def token_endpoint(request: Request) -> Response:
    demo: IdentityHost = request.app.state.demo
    form = await _form(request)
    try:
        answer = demo.identity.token(request.headers.get("authorization"), form)
    except OAuthError as exc:
        return _oauth_error(exc)
    return JSONResponse(answer, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


async def pushed_authorization(request: Request) -> Response:
    demo: IdentityHost = request.app.state.demo
    form = await _form(request)
    try:
        answer = demo.identity.push(request.headers.get("authorization"), form)
    except OAuthError as exc:
        return _oauth_error(exc)
    return JSONResponse(answer, status_code=201)


async def revocation(request: Request) -> Response:
    demo: IdentityHost = request.app.state.demo
    form = await _form(request)
    try:
        demo.identity.revoke(request.headers.get("authorization"), form)
    except OAuthError as exc:
        return _oauth_error(exc)
    return Response(b"", status_code=200)


async def introspection(request: Request) -> Response:
    demo: IdentityHost = request.app.state.demo
    form = await _form(request)
    try:
        demo.identity.authenticate_client(request.headers.get("authorization"), form)
        if demo.introspection_refused():
            raise OAuthError("invalid_client", "This client may not introspect tokens.", 401)
    except OAuthError as exc:
        return _oauth_error(exc)
    return JSONResponse(demo.identity.introspect(form.get("token", "")))


def _page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def identity_routes() -> list[Route]:
    """The identity service's routes, to mount beside the API's."""
    return [
        Route(f"{IDENTITY_PREFIX}/.well-known/openid-configuration", discovery),
        Route(f"{IDENTITY_PREFIX}/connect/authorize", authorize),
        Route(f"{IDENTITY_PREFIX}/connect/consent", consent, methods=["POST"]),
        Route(f"{IDENTITY_PREFIX}/connect/token", token_endpoint, methods=["POST"]),
        Route(f"{IDENTITY_PREFIX}/connect/revocation", revocation, methods=["POST"]),
        Route(f"{IDENTITY_PREFIX}/connect/par", pushed_authorization, methods=["POST"]),
        Route(f"{IDENTITY_PREFIX}/connect/introspect", introspection, methods=["POST"]),
    ]
