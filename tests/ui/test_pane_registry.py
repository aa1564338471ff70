"""Adding a pane touches the registry (a PaneSpec in tui/keys.py) and the pane's module: every
registered pane must name a class that exists and is a Pane, or this fails."""

from __future__ import annotations

import pytest

from tui.keys import PANES, PaneSpec
from tui.panes import Pane, UnavailablePane, pane_class


@pytest.mark.parametrize("spec", PANES, ids=[spec.id for spec in PANES])
def test_every_registered_pane_has_its_class(spec: PaneSpec) -> None:
    found = pane_class(spec)
    assert isinstance(found, type) and issubclass(found, Pane)
    assert found is not UnavailablePane
    assert found.__name__ == spec.pane.partition(":")[2]


@pytest.mark.parametrize(
    "named", ["tui.panes.nowhere:NowherePane", "tui.panes.companies:NoSuchPane", "tui.keys:PANES"]
)
def test_a_pane_that_cannot_be_found_is_said_not_to_be_available(named: str) -> None:
    made = pane_class(PaneSpec("x", "9", "X", "x", named))(None, id="x")
    assert isinstance(made, UnavailablePane)
    assert named.partition(":")[0] in made.reason
