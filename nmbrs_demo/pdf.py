"""A tiny PDF 1.4 writer for the demo payslips and annual statements.

Why hand-written: the demo server must not need a PDF library, and the documents only need a
single A4 page of Helvetica text that ``pypdf`` can open and extract. Output is byte-for-byte
deterministic (no timestamps, no random ids) so the same request always yields the same file.
Text is encoded as WinAnsi (cp1252), which covers é, ë, ü and the euro sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

A4_WIDTH = 595
A4_HEIGHT = 842
LEFT_MARGIN = 56
TOP = 786
VALUE_COLUMN = 330


@dataclass(frozen=True)
class TextLine:
    """One line of text: left part, optional right-hand column, font size, bold or not."""

    text: str
    value: str = ""
    size: float = 10.0
    bold: bool = False
    gap_before: float = 0.0


def pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsi: escapes backslash and parentheses; unknown chars -> '?'."""
    raw = text.encode("cp1252", errors="replace")
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    raw = raw.replace(b"\r", b"\\r").replace(b"\n", b"\\n")
    return b"(" + raw + b")"


def _show_text(font: bytes, size: float, x: float, y: float, text: str) -> bytes:
    """One PDF text object: select the font, move to (x, y), show the string."""
    return (
        b"BT "
        + font
        + b" "
        + f"{size:g}".encode()
        + b" Tf "
        + f"{x:g} {y:g} Td ".encode()
        + pdf_string(text)
        + b" Tj ET"
    )


def _content_stream(lines: Sequence[TextLine]) -> bytes:
    out: list[bytes] = []
    y = float(TOP)
    for line in lines:
        y -= line.gap_before
        font = b"/F2" if line.bold else b"/F1"
        out.append(_show_text(font, line.size, LEFT_MARGIN, y, line.text))
        if line.value:
            out.append(_show_text(font, line.size, VALUE_COLUMN, y, line.value))
        y -= line.size * 1.45
    return b"\n".join(out) + b"\n"


def render_pdf(lines: Sequence[TextLine], title: str) -> bytes:
    """One A4 page with the given lines; a complete PDF file with a correct xref table."""
    stream = _content_stream(lines)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "
            + f"{A4_WIDTH} {A4_HEIGHT}".encode()
            + b"] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        ),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"endstream",
        b"<< /Title " + pdf_string(title) + b" /Producer (nmbrs-tui demo) >>",
    ]
    body = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref_at = len(body)
    body += f"xref\n0 {len(objects) + 1}\n".encode()
    body += b"0000000000 65535 f \n"
    for offset in offsets:
        body += f"{offset:010d} 00000 n \n".encode()
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(body)


def money(amount: Decimal) -> str:
    """Dutch notation: € 1.234,56 (minus sign in front for negatives)."""
    quantised = amount.quantize(Decimal("0.01"))
    sign = "-" if quantised < 0 else ""
    whole, _, cents = f"{abs(quantised):.2f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"€ {sign}{'.'.join(groups)},{cents}"


@dataclass(frozen=True)
class PayslipData:
    """What a payslip shows; amounts are per period, Decimal with two decimals."""

    company_name: str
    company_number: int
    employee_name: str
    employee_number: int
    employee_id: int
    bsn: str
    year: int
    period: int
    period_type: str
    period_label: str
    run_number: int
    run_description: str
    department: str
    function: str
    salary_type: str
    hours: Decimal
    gross: Decimal
    pension: Decimal
    wage_tax: Decimal
    net: Decimal
    iban: str
    is_correction: bool = False


@dataclass(frozen=True)
class AnnualStatementData:
    """What an annual statement (jaaropgaaf) shows: yearly totals for one employee."""

    company_name: str
    employee_name: str
    employee_number: int
    employee_id: int
    bsn: str
    birth_date: str
    address_lines: tuple[str, ...]
    year: int
    employment_start: str
    employment_end: str
    periods_paid: int
    gross: Decimal
    pension: Decimal
    taxable_wage: Decimal
    wage_tax: Decimal
    net: Decimal


def payslip_pdf(slip: PayslipData) -> bytes:
    """A one-page "Loonstrook" for one employee and one period of a run."""
    heading = "Loonstrook (correctie)" if slip.is_correction else "Loonstrook"
    lines = [
        TextLine(heading, size=16, bold=True),
        TextLine(slip.company_name, size=11, bold=True, gap_before=4),
        TextLine("Werkgever nummer", str(slip.company_number)),
        TextLine("Werknemer", slip.employee_name, gap_before=8),
        TextLine("Personeelsnummer", str(slip.employee_number)),
        TextLine("BSN", slip.bsn),
        TextLine("Afdeling", slip.department),
        TextLine("Functie", slip.function),
        TextLine("Periode", f"{slip.period}-{slip.year} ({slip.period_type})", gap_before=8),
        TextLine("Tijdvak", slip.period_label),
        TextLine("Run", f"{slip.run_number} - {slip.run_description}"),
        TextLine("Salaristype", slip.salary_type),
        TextLine("Uren", f"{slip.hours:.2f}".replace(".", ",")),
        TextLine("Brutoloon", money(slip.gross), gap_before=8),
        TextLine("Pensioenpremie werknemer", money(-slip.pension)),
        TextLine("Loonheffing", money(-slip.wage_tax)),
        TextLine("Nettoloon", money(slip.net), bold=True),
        TextLine("Uitbetaald op rekening", slip.iban, gap_before=8),
        TextLine("Dit is fictieve demonstratiedata.", size=8, gap_before=24),
    ]
    return render_pdf(lines, f"Loonstrook {slip.employee_name} {slip.period}-{slip.year}")


def annual_statement_pdf(statement: AnnualStatementData) -> bytes:
    """A one-page "Jaaropgaaf" with the yearly totals of one employee."""
    lines = [
        TextLine(f"Jaaropgaaf {statement.year}", size=16, bold=True),
        TextLine(statement.company_name, size=11, bold=True, gap_before=4),
        TextLine("Werknemer", statement.employee_name, gap_before=8),
        *[TextLine("", address) for address in statement.address_lines],
        TextLine("Personeelsnummer", str(statement.employee_number)),
        TextLine("BSN", statement.bsn),
        TextLine("Geboortedatum", statement.birth_date),
        TextLine("Jaar", str(statement.year), gap_before=8),
        TextLine("In dienst", statement.employment_start),
        TextLine("Uit dienst", statement.employment_end or "-"),
        TextLine("Aantal verloonde perioden", str(statement.periods_paid)),
        TextLine("Brutoloon", money(statement.gross), gap_before=8),
        TextLine("Pensioenpremie werknemer", money(statement.pension)),
        TextLine("Loon voor de loonheffingen", money(statement.taxable_wage)),
        TextLine("Ingehouden loonheffing", money(statement.wage_tax)),
        TextLine("Nettoloon", money(statement.net), bold=True),
        TextLine("Dit is fictieve demonstratiedata.", size=8, gap_before=24),
    ]
    return render_pdf(lines, f"Jaaropgaaf {statement.year} {statement.employee_name}")
