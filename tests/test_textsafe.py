"""The one sanitiser, and `check` in every format against a server full of hostile text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nmbrs_client import textsafe
from nmbrs_demo.credentials import DEMO_TOKEN, DEMO_USERNAME
from nmbrs_demo.server import DemoServer
from tests.hostile_text import hostile_proxy, raw_controls
from tui.cli import main

NASTY = "a\x1b]0;t\x07b\x1b[31mc\x9bd\x85e\u202ef\r\ng\tt\u2028[/b]"


def test_single_line_makes_every_control_visible() -> None:
    out = textsafe.line(NASTY)
    assert raw_controls(out) == [] and "\n" not in out
    assert out == ("a\\x1b]0;t\\x07b\\x1b[31mc\\x9bd\\x85e\\u202ef\\r\\ng t\\u2028[/b]")


def test_block_keeps_line_feeds_and_tabs_only() -> None:
    out = textsafe.block("one\r\ntwo\rthree\n\tfour\x1b[0m")
    assert out == "one\ntwo\nthree\n\tfour\\x1b[0m"
    assert textsafe.is_clean(out, multiline=True) and not textsafe.is_clean(out)


def test_clean_text_is_returned_as_is() -> None:
    text = "Bakkerij de Vries B.V. — Zoë"
    assert textsafe.line(text) is text


def test_tree_cleans_nested_strings_and_leaves_bytes() -> None:
    tree = {"Name": "x\x9by", "Rows": [{"N": "\u202e"}, ("\r",)], "PDF": b"\x1b", "Id": 3}
    assert textsafe.clean_tree(tree) == {
        "Name": "x\\x9by",
        "Rows": [{"N": "\\u202e"}, ("\\r",)],
        "PDF": b"\x1b",
        "Id": 3,
    }


def test_markdown_inline_escapes_markup_and_stays_on_one_line() -> None:
    out = textsafe.markdown_inline("**x** | [a](http://e) <b>\n# Summary")
    # The visible \\n is itself escaped, so Markdown renders it as the two characters.
    assert out == "\\*\\*x\\*\\* \\| \\[a\\](http://e) \\<b\\>\\\\n# Summary"


def test_json_text_escapes_c1_and_bidi_but_parses_equal() -> None:
    data = {"n": "a\x85b\u202ec"}
    text = textsafe.json_text(json.dumps(data, ensure_ascii=False))
    assert raw_controls(text) == [] and json.loads(text) == data


@pytest.mark.parametrize(
    ("body", "plain"),
    [
        ('<?xml version="1.0" encoding="utf-8"?><a>Zoë</a>'.encode(), True),
        ("<a>x\x85</a>".encode(), False),
        (b"<a>x\r\n</a>", False),
        ("<a>\u202e</a>".encode(), False),
        ("<a>\u2069</a>".encode(), False),
        (b"<a>&#x9b;</a>", False),
        (b'<?xml version="1.0" encoding="latin-1"?><a>x</a>', False),
    ],
)
def test_plain_bytes_test_never_passes_unsafe_text(body: bytes, plain: bool) -> None:
    assert textsafe.utf8_bytes_are_plain(body) is plain


@given(
    st.text(max_size=40),
    st.sampled_from(["", "&#", "&amp;", "\u00e9", "\u2022", "\u20ac", "\u2066", "\u0085"]),
)
def test_plain_bytes_test_agrees_with_the_full_search(text: str, extra: str) -> None:
    """The byte shortcuts say what the one search over the whole body would say."""
    body = f"<a>{text}{extra}</a>".encode("utf-8", "surrogatepass")
    expected = textsafe._UNSAFE_UTF8.search(body) is None
    assert textsafe.utf8_bytes_are_plain(body) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "etc_passwd"),
        ("\x1b[31m.hidden", "31m.hidden"),
        ("Zoë", "Zoe"),
        ("", "export"),
    ],
)
def test_file_name_part(name: str, expected: str) -> None:
    assert textsafe.file_name_part(name) == expected


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_check_output_carries_no_raw_control_in_any_format(
    demo_server: DemoServer,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
) -> None:
    with hostile_proxy(demo_server.base_url) as url:
        monkeypatch.setenv("NMBRS_TOKEN", DEMO_TOKEN)
        code = main(
            [
                "check",
                "--base-url",
                url,
                "--username",
                DEMO_USERNAME,
                "--domain",
                "demo",
                "--format",
                fmt,
                "--company",
                "20001",
            ]
        )
    out, err = capsysbinary.readouterr()
    text, errors = out.decode("utf-8"), err.decode("utf-8")
    assert code != 0  # Function_GetCurrent answered with an HTML page
    assert raw_controls(text) == [] and raw_controls(errors) == []
    if fmt == "markdown":
        # The CR LF in a company name cannot start a forged line; its markup is escaped.
        assert not any(line.startswith("Summary:") for line in text.splitlines())
        assert "\\[/b\\]\\[red\\]\\\\x9b\\\\u202e" in text
    if fmt == "json":
        data = json.loads(text)
        assert any(
            c["name"].endswith("\\x85\\r\\nSummary: all rights present") for c in data["companies"]
        )
        messages = " ".join(str(cell.get("message")) for cell in data["results"])
        # The gateway page's title is quoted with its escape sequences made visible.
        assert "Bad Gateway" in messages and "\\x1b]0;owned\\x07" in messages


def _parsed_text_is_clean(body: bytes) -> bool | None:
    """The slow truth: every text and attribute value the hardened parser reads from ``body``
    is clean (None when it is no well-formed XML at all)."""
    from lxml import etree

    from nmbrs_client.transport import hardened_parser

    try:
        root = etree.fromstring(body, parser=hardened_parser())
    except etree.XMLSyntaxError:
        return None
    values = [*root.itertext()] + [v for node in root.iter() for v in node.attrib.values()]
    return all(textsafe.is_clean(value) for value in values)


_SPACE = st.sampled_from(["", " ", "  ", "\t", "\r\n", " " * 250])


@given(
    bom=st.booleans(),
    pad=_SPACE,
    before_eq=_SPACE,
    after_eq=_SPACE,
    quote=st.sampled_from(['"', "'"]),
    encoding=st.sampled_from(["ISO-8859-1", "latin1", "windows-1252", "UTF-8", "utf_8", "ascii"]),
    text=st.text(alphabet="ab\u0080\u0085\u009b\u00e9\u00ff", max_size=6),
)
def test_plain_bytes_test_is_never_fooled_by_the_declaration(
    bom: bool, pad: str, before_eq: str, after_eq: str, quote: str, encoding: str, text: str
) -> None:
    """However the encoding is declared (spaced around '=', after a long version, behind a
    byte order mark), a body the byte test calls plain parses to clean text only."""
    declaration = f"<?xml version={quote}1.0{quote}{pad}encoding{before_eq}={after_eq}"
    declaration += f"{quote}{encoding}{quote}?>"
    try:
        payload = f"<a b={quote}{text}{quote}>{text}</a>".encode(encoding.replace("_", "-"))
    except UnicodeEncodeError:
        return
    body = (b"\xef\xbb\xbf" if bom else b"") + declaration.encode() + payload
    if textsafe.utf8_bytes_are_plain(body):
        assert _parsed_text_is_clean(body) is not False


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0" encoding = "ISO-8859-1"?><a>x\x85</a>',
        b'<?xml version="1.0"' + b" " * 200 + b'encoding="ISO-8859-1"?><a>x\x85</a>',
        b"<?xml version='1.0' encoding  =  'latin1'?><a>x\x9b</a>",
        "<?xml version='1.0' encoding='IBM037'?><a>x\x80</a>".encode("cp037"),
    ],
)
def test_a_declared_encoding_that_is_not_utf8_is_never_plain(body: bytes) -> None:
    assert textsafe.utf8_bytes_are_plain(body) is False


def test_not_xml_is_exactly_the_characters_outside_xml_1_0() -> None:
    """Every code point: NOT_XML finds it iff XML 1.0's Char production leaves it out."""

    def allowed(code: int) -> bool:
        return (
            code in (0x9, 0xA, 0xD)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF
        )

    wrong = [
        code
        for code in range(0x110000)
        if (textsafe.NOT_XML.search(chr(code)) is None) != allowed(code)
    ]
    assert wrong == []
