"""REST cases an independent fake of Nmbrs' API found wrong: each test failed before its fix.

The replies are the ones the OpenAPI document and the REST facts leave open (a bare 401, a
quota used up before the company list, a gateway page, a name of megabytes); the client must
be right under each reading.
"""

from __future__ import annotations

from nmbrs_client.rights.requirements import BUILTIN_PROFILES
from nmbrs_client.rights.results import (
    NAME_LIMIT,
    CompanyRef,
)

INTEGRATION = BUILTIN_PROFILES["integration"]


def test_a_company_name_of_megabytes_is_cut_short() -> None:
    ref = CompanyRef("c1", "A" * 5_000_000, None, True, "9" * 1_000)
    assert ref.name is not None and len(ref.name) == NAME_LIMIT and ref.name.endswith("…")
    assert len(ref.label()) <= 2 * NAME_LIMIT + 1
    short = CompanyRef("c2", "Bakkerij de Vries B.V.", None, True, "7")
    assert short.label() == "7 Bakkerij de Vries B.V."
