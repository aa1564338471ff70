"""Demo PDFs: structurally valid files whose text pypdf extracts, with the world's own numbers."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pypdf
import pytest

from nmbrs_demo import DEMO_TODAY
from nmbrs_demo.pdf import TextLine, money, pdf_string, render_pdf
from nmbrs_demo.soap.views import DemoWorld


@pytest.fixture(scope="module")
def world() -> DemoWorld:
    return DemoWorld()


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def _find_company(world: DemoWorld, size: int) -> int:
    return next(c.ID for c in world.companies() if world.company_size(c.ID) == size)


# ------------------------------------------------------------------ the writer


def test_xref_offsets_point_at_their_objects() -> None:
    pdf = render_pdf([TextLine("Hallo", "wereld"), TextLine("Kop", bold=True)], "Titel")
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    startxref = int(re.search(rb"startxref\n(\d+)\n", pdf).group(1))  # type: ignore[union-attr]
    assert pdf[startxref:].startswith(b"xref\n0 8\n")
    entries = re.findall(rb"(\d{10}) 00000 n \n", pdf[startxref:])
    assert len(entries) == 7
    for number, offset in enumerate(entries, start=1):
        assert pdf[int(offset) :].startswith(f"{number} 0 obj\n".encode())
    length = int(re.search(rb"/Length (\d+) >>\nstream\n", pdf).group(1))  # type: ignore[union-attr]
    body = pdf.split(b"stream\n", 1)[1]
    assert body[length:].startswith(b"endstream")


def test_escaping_and_latin_text_round_trip() -> None:
    assert pdf_string("a(b)c\\d") == b"(a\\(b\\)c\\\\d)"
    assert pdf_string("é€") == b"(\xe9\x80)"
    text = _text(render_pdf([TextLine("René (Zoë) \\ Chloë", "€ 12,50")], "t"))
    assert "René (Zoë) \\ Chloë" in text and "€ 12,50" in text


def test_money_uses_dutch_notation() -> None:
    assert money(Decimal("1234567.5")) == "€ 1.234.567,50"
    assert money(Decimal("-3.1")) == "€ -3,10"
    assert money(Decimal("999")) == "€ 999,00"


# ------------------------------------------------------------------ payslips


def test_payslip_shows_name_period_and_amounts(world: DemoWorld) -> None:
    company = _find_company(world, 85)
    run = world.runs(company, DEMO_TODAY.year)[-1]
    employee = world.run_employees(company, run.ID)[3].EmployeeId
    info = world.personal_info(employee)
    assert info is not None
    pdfs = world.payslip_pdfs(employee, company, run.ID, DEMO_TODAY.year)
    assert len(pdfs) == run.PeriodEnd - run.PeriodStart + 1
    amounts = world.payslip_amounts(employee, run.ID)
    text = _text(pdfs[0])
    period, gross, tax, net = amounts[0]
    assert "Loonstrook" in text
    assert " ".join(p for p in (info.Initials, info.Prefix, info.LastName) if p) in text
    assert f"Personeelsnummer {info.Number}" in text
    assert f"{period}-{DEMO_TODAY.year}" in text
    assert f"Run {run.Number}" in text
    assert money(gross) in text and money(-tax) in text and money(net) in text
    assert gross > net > 0
    company_model = world.company(company)
    assert company_model is not None and company_model.Name is not None
    assert company_model.Name in text
    # Same request, same bytes; year None means the company's active year.
    assert world.payslip_pdfs(employee, company, run.ID, None) == pdfs


def test_payslip_empty_when_employee_not_in_run(world: DemoWorld) -> None:
    company = _find_company(world, 250)
    first_run = world.runs(company, DEMO_TODAY.year - 2)[0]
    members = {e.EmployeeId for e in world.run_employees(company, first_run.ID)}
    outsider = next(e.Id for e in world.employees(company) if e.Id not in members)
    assert world.payslip_pdfs(outsider, company, first_run.ID, DEMO_TODAY.year - 2) == []
    member = next(iter(members))
    assert world.payslip_pdfs(member, company, first_run.ID, DEMO_TODAY.year - 2)
    assert world.payslip_pdfs(member, company, first_run.ID, DEMO_TODAY.year) == []
    assert world.payslip_pdfs(member, company + 1, first_run.ID, DEMO_TODAY.year - 2) == []
    assert world.payslip_pdfs(member, company, 123, DEMO_TODAY.year - 2) == []


def test_multi_period_run_gives_one_payslip_per_period(world: DemoWorld) -> None:
    for company in world.companies():
        for year in (DEMO_TODAY.year - 2, DEMO_TODAY.year - 1):
            for run in world.runs(company.ID, year):
                if run.PeriodEnd > run.PeriodStart:
                    employee = world.run_employees(company.ID, run.ID)[0].EmployeeId
                    pdfs = world.payslip_pdfs(employee, company.ID, run.ID, year)
                    periods = [p for p, *_ in world.payslip_amounts(employee, run.ID)]
                    assert len(pdfs) == len(periods) >= 1
                    assert f"{periods[-1]}-{year}" in _text(pdfs[-1])
                    return
    pytest.fail("no multi-period run in the standard world")


# ------------------------------------------------------------------ annual statements


def test_annual_statement_shows_bsn_and_yearly_totals(world: DemoWorld) -> None:
    company = _find_company(world, 40)
    year = DEMO_TODAY.year - 1
    employee = world.employees(company)[4].Id
    info = world.personal_info(employee)
    assert info is not None and info.BSN is not None
    pdf = world.annual_statement_pdf(employee, year)
    assert pdf is not None
    text = _text(pdf)
    gross = net = tax = Decimal(0)
    for run in world.runs(company, year):
        for _, g, t, n in world.payslip_amounts(employee, run.ID):
            gross, tax, net = gross + g, tax + t, net + n
    assert gross > 0
    assert f"Jaaropgaaf {year}" in text
    assert info.BSN in text and (info.LastName or "") in text
    assert f"Brutoloon {money(gross)}" in text
    assert f"Ingehouden loonheffing {money(tax)}" in text
    assert f"Nettoloon {money(net)}" in text


def test_annual_statement_missing_for_future_or_unpaid_year(world: DemoWorld) -> None:
    company = _find_company(world, 85)
    employee = world.employees(company)[0].Id
    assert world.annual_statement_pdf(employee, DEMO_TODAY.year + 1) is None
    assert world.annual_statement_pdf(employee, 1990) is None
    assert world.annual_statement_pdf(10_000_000, DEMO_TODAY.year - 1) is None


def test_big_company_payslip_is_quick(world: DemoWorld) -> None:
    big = world.big_company_id()
    run = world.runs(big, DEMO_TODAY.year)[-1]
    employee = world.run_employees(big, run.ID)[-1].EmployeeId
    pdfs = world.payslip_pdfs(employee, big, run.ID, None)
    assert pdfs and "Loonstrook" in _text(pdfs[0])
