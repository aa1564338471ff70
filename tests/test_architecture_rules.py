"""Sentences of ARCHITECTURE.md that a machine can check, checked on the source itself.

Each test reads the packages' Python files (never imports them), so a rule broken anywhere,
also in a file no other test loads, fails here with the file named.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("nmbrs_client", "nmbrs_demo", "tui")


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=relative)


def _imported_top_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_platformdirs_is_asked_in_one_module_only() -> None:
    """Every folder the app uses is decided in nmbrs_client/locations.py."""
    users = sorted(name for name, tree in _modules() if "platformdirs" in _imported_top_names(tree))
    assert users == ["nmbrs_client/locations.py"]


def _enum_values(node: ast.ClassDef) -> set[str]:
    values: set[str] = set()
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            values.add(statement.value.value.lower())
    return values


def test_there_is_one_enum_of_the_two_apis() -> None:
    """``ApiKind`` in nmbrs_client/ids.py; no other class or Literal spells "soap" and "rest"."""
    found: list[str] = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and {"soap", "rest"} <= _enum_values(node):
                found.append(f"{name}:{node.name}")
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Literal"
            ):
                members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                spelled = {m.value for m in members if isinstance(m, ast.Constant)}
                if {"soap", "rest"} <= spelled:
                    found.append(f"{name}:Literal")
    assert found == ["nmbrs_client/ids.py:ApiKind"]


def test_nothing_above_the_backends_asks_which_backend_it_holds() -> None:
    """No ``isinstance(x, SoapBackend/RestBackend)`` and no import of either under tui/."""
    offenders: list[str] = []
    for name, tree in _modules():
        if not name.startswith("tui/"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in (
                "nmbrs_client.soap_backend",
                "nmbrs_client.rest.backend",
            ):
                offenders.append(f"{name}:{node.lineno} imports {node.module}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "isinstance"
                and "Backend" in ast.unparse(node.args[1] if len(node.args) > 1 else node)
            ):
                offenders.append(f"{name}:{node.lineno} {ast.unparse(node)}")
    assert offenders == []


def test_every_entry_point_starts_the_demo_through_nmbrs_demo_start() -> None:
    """--demo, demo-server, --migration and the screenshots never pick a demo server class."""
    servers = ("nmbrs_demo.server", "nmbrs_demo.rest.server")
    offenders: list[str] = []
    for folder in ("tui", "tools"):
        for path in sorted((REPO / folder).rglob("*.py")):
            name = path.relative_to(REPO).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=name)):
                if isinstance(node, ast.ImportFrom) and node.module:
                    imported = [node.module]
                elif isinstance(node, ast.Import):
                    imported = [alias.name for alias in node.names]
                else:
                    continue
                offenders.extend(f"{name}:{node.lineno} {m}" for m in imported if m in servers)
    assert offenders == []


def test_pane_workers_post_messages_instead_of_calling_widgets() -> None:
    """Workers post typed messages and handlers own state: no ``call_from_thread`` in a pane."""
    offenders = [
        f"{name}:{node.lineno}"
        for name, tree in _modules()
        if name.startswith("tui/panes/")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "call_from_thread"
    ]
    assert offenders == []


def test_panes_screens_and_widgets_never_switch_on_the_api() -> None:
    """They ask what the connection has (scopes, a token), never which API it is."""
    offenders: list[str] = []
    for name, tree in _modules():
        if not name.startswith(("tui/panes/", "tui/screens/", "tui/widgets/")):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            parts = [node.left, *node.comparators]
            text = ast.unparse(node)
            names_api = any(
                (isinstance(p, ast.Attribute) and p.attr == "api")
                or (isinstance(p, ast.Constant) and p.value in ("soap", "rest"))
                for p in parts
            )
            if names_api or "ApiKind." in text:
                offenders.append(f"{name}:{node.lineno} {text}")
    assert offenders == []


MAX_MODULE_LINES = 800
SIZED_FOLDERS = ("nmbrs_client", "nmbrs_demo", "tui", "tools", "bench")


def _oversized(root: Path, folders: tuple[str, ...]) -> list[str]:
    """Every Python file under ``folders`` longer than the limit, with its line count."""
    found: list[str] = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_MODULE_LINES:
                found.append(f"{path.relative_to(root).as_posix()}: {lines} lines")
    return found


def test_no_module_outside_the_tests_is_over_800_lines() -> None:
    """A module past 800 lines mixes concepts: split it by concept, never by an arbitrary cut."""
    assert _oversized(REPO, SIZED_FOLDERS) == []


def test_the_size_rule_sees_a_module_one_line_over(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "long.py").write_text("x = 1\n" * (MAX_MODULE_LINES + 1))
    (tmp_path / "pkg" / "short.py").write_text("x = 1\n" * MAX_MODULE_LINES)
    assert _oversized(tmp_path, ("pkg",)) == [f"pkg/sub/long.py: {MAX_MODULE_LINES + 1} lines"]


def _demo_values_in(folder: Path) -> list[str]:
    """``file: value`` for each public demo credential written in a Python file of ``folder``.

    The redirect URIs are left out: the demo registers the client's own default redirect URI,
    which the client knows as its default, not as the demo's.
    """
    from nmbrs_demo import credentials

    values = {
        name: value
        for name, value in vars(credentials).items()
        if name.startswith("DEMO_") and isinstance(value, str) and len(value) > 4
    }
    found: list[str] = []
    for path in sorted(folder.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found.extend(f"{path.name}: {name}" for name, value in values.items() if value in text)
        if "demo_identity" in text or "nmbrs_demo" in _imported_top_names(ast.parse(text)):
            found.append(f"{path.name}: imports the demo")
    return found


def test_the_client_holds_no_demo_credential() -> None:
    """The demo's logins live in nmbrs_demo and are handed to the client (``DemoAccess``)."""
    assert _demo_values_in(REPO / "nmbrs_client") == []


def test_the_demo_credential_rule_sees_one_written_in_the_client(tmp_path: Path) -> None:
    from nmbrs_demo.credentials import DEMO_REST_CLIENT_SECRET

    (tmp_path / "leak.py").write_text(f'SECRET = "{DEMO_REST_CLIENT_SECRET}"\n', encoding="utf-8")
    (tmp_path / "reach.py").write_text("from nmbrs_demo import start\n", encoding="utf-8")
    assert _demo_values_in(tmp_path) == [
        "leak.py: DEMO_REST_CLIENT_SECRET",
        "reach.py: imports the demo",
    ]
