"""Nmbrs' OpenAPI document, found at run time, and the operations and scopes it declares.

The document is not part of this repository. It ships in the PyPI package ``nmbrs-rest-api``
(0.0.3, in the ``dev`` and ``rest-demo`` extras) and is read through ``importlib.resources``;
``NMBRS_REST_OPENAPI`` may name a copy of the YAML file instead. Without either, the REST demo
cannot start: its scope enforcement is read from the document's security requirements, not
from a second list kept here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from nmbrs_client.errors import ConfigError

SPEC_ENV = "NMBRS_REST_OPENAPI"
SPEC_PACKAGE = "nmbrs_rest"
SPEC_RESOURCE = "_spec/nmbrs-openapi.yaml"
INSTALL_HINT = (
    "Install it with: pip install 'nmbrs-rest-api==0.0.3' (or the nmbrs-tui[rest-demo] extra), "
    f"or set {SPEC_ENV} to the path of nmbrs-openapi.yaml."
)


def spec_text() -> str:
    """The YAML text of the document: ``$NMBRS_REST_OPENAPI`` first, then the package."""
    override = os.environ.get(SPEC_ENV, "").strip()
    if override:
        path = Path(override).expanduser()
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"{SPEC_ENV}={path} cannot be read: {exc.strerror}.", hint=INSTALL_HINT
            ) from None
    try:
        return resources.files(SPEC_PACKAGE).joinpath(SPEC_RESOURCE).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise ConfigError(
            "The REST demo needs Nmbrs' OpenAPI document, which is not installed.",
            hint=INSTALL_HINT,
        ) from None


@lru_cache(maxsize=1)
def load_document() -> dict[str, Any]:
    """The parsed document (cached: it is 480 kB and read-only)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(spec_text(), Loader=loader)
    if not isinstance(document, dict) or "paths" not in document:
        raise ConfigError("The OpenAPI document has no paths.", hint=INSTALL_HINT)
    return document


@dataclass(frozen=True)
class SpecOperation:
    """One operation of the document: method, path template and the scopes that unlock it."""

    method: str
    template: str
    operation_id: str
    scopes: frozenset[str]  # any one of them is enough; empty = no scope needed
    pattern: re.Pattern[str]
    literal_segments: int

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path)
        return None if found is None else found.groupdict()


_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _compile(template: str) -> tuple[re.Pattern[str], int]:
    parts: list[str] = []
    literal = 0
    for segment in template.strip("/").split("/"):
        name = _PARAM.fullmatch(segment)
        if name:
            parts.append(f"(?P<{name.group(1)}>[^/]+)")
        else:
            parts.append(re.escape(segment))
            literal += 1
    return re.compile("/" + "/".join(parts), re.IGNORECASE), literal


class OperationIndex:
    """Finds the operation of a request path; literal segments win over parameters."""

    def __init__(self, document: dict[str, Any]) -> None:
        operations: list[SpecOperation] = []
        for template, item in document["paths"].items():
            for method, op in item.items():
                if method.lower() not in ("get", "post", "put", "patch", "delete"):
                    continue
                scopes: set[str] = set()
                for requirement in op.get("security") or document.get("security") or []:
                    for names in requirement.values():
                        scopes.update(names)
                pattern, literal = _compile(template)
                operations.append(
                    SpecOperation(
                        method.upper(),
                        template,
                        str(op.get("operationId", "")),
                        frozenset(scopes),
                        pattern,
                        literal,
                    )
                )
        operations.sort(key=lambda o: (-o.literal_segments, o.template))
        self.operations = operations
        self.scopes = frozenset(
            document.get("components", {})
            .get("securitySchemes", {})
            .get("Bearer", {})
            .get("flows", {})
            .get("authorizationCode", {})
            .get("scopes", {})
        )

    def find(self, method: str, path: str) -> tuple[SpecOperation, dict[str, str]] | None:
        for op in self.operations:
            if op.method != method.upper():
                continue
            params = op.match(path)
            if params is not None:
                return op, params
        return None

    def by_template(self, method: str, template: str) -> SpecOperation:
        for op in self.operations:
            if op.method == method.upper() and op.template == template:
                return op
        raise KeyError(f"{method} {template} is not in the OpenAPI document")


@lru_cache(maxsize=1)
def operation_index() -> OperationIndex:
    return OperationIndex(load_document())
