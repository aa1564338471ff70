"""Shows the text of a fetched PDF inside the TUI, for engineers working over SSH.

Viewing writes nothing: the document stays in memory, and only ``s`` saves it (mode 0600,
never overwriting) into the session's download folder, since personal data reaches the disk
only on an explicit request. The screen shows the text ``pypdf`` extracts, so nobody needs to
copy a payslip off the server to read it. Numbers that look personal (BSN, IBAN, amounts,
dates, postcodes) are masked until ``v``, like everywhere else; a new screen starts masked.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from nmbrs_client import textsafe
from nmbrs_client.private_file import write_new_private_file
from tui.keys import Context, bindings
from tui.screens.scrolling import ScrollingScreen
from tui.widgets.footer import Footer
from tui.widgets.masking import Reveal, mask_text


def extract_pdf_text(data: bytes) -> str:
    """All pages' text, pages separated by a form-feed line; a readable note when it fails."""
    try:
        from pypdf import PdfReader  # deferred: only needed once a PDF is opened

        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as error:  # a damaged PDF can still be saved; say why the text is missing
        return textsafe.line(f"(the PDF text could not be read: {type(error).__name__}: {error})")
    text = "\n\n— page break —\n\n".join(p.strip() for p in pages)
    # The text inside a PDF is data from the server: escape codes in it must not reach the
    # terminal.
    return textsafe.block(text) or "(this PDF contains no extractable text)"


class PdfViewScreen(ScrollingScreen):
    """Title, saved path and the document text; ``esc`` goes back."""

    BINDINGS = bindings(Context.PDF)

    DEFAULT_CSS = """
    PdfViewScreen > #pdf-header {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    PdfViewScreen > #pdf-body {
        height: 1fr;
    }
    PdfViewScreen #pdf-text {
        padding: 1 2;
    }
    """

    def __init__(
        self,
        title: str,
        text: str,
        *,
        pdfs: Sequence[bytes],
        stem: str,
        download_dir: Callable[[], Path],
        on_saved: Callable[[list[Path]], None] | None = None,
    ) -> None:
        super().__init__()
        self.doc_title = textsafe.line(title)
        # A run can hold several payslips of one employee: all are shown, all saved on s.
        self.pdfs = list(pdfs)
        self.stem = stem
        self.download_dir = download_dir
        self.on_saved = on_saved
        self.paths: list[Path] = []  # empty until s saves
        self.text = textsafe.block(text)
        self.reveal = Reveal()
        self.header = Static("", id="pdf-header", markup=False)
        self.body = VerticalScroll(id="pdf-body")
        self.text_widget = Static("", id="pdf-text", markup=False)

    @property
    def path(self) -> Path | None:
        """The first saved file, or None while the document is only on screen."""
        return self.paths[0] if self.paths else None

    def compose(self) -> ComposeResult:
        yield self.header
        with self.body:
            yield self.text_widget
        yield Footer()

    def on_mount(self) -> None:
        self.body.can_focus = True
        self.body.focus()
        self._show_text()

    @property
    def shown_text(self) -> str:
        return self.text if self.reveal.revealed else mask_text(self.text)

    def _show_text(self) -> None:
        saved = (
            "\n".join(f"Saved to {p} (mode 0600)" for p in self.paths)
            if self.paths
            else "Not saved: s saves the PDF to the download folder (mode 0600)"
        )
        self.header.update(f"{self.doc_title}\n{saved}\n{self.reveal.label}")
        self.text_widget.update(self.shown_text)

    def mask_personal_data(self) -> bool:
        """Mask again (before a screenshot); ``True`` when data was revealed."""
        was = self.reveal.revealed
        self.reveal.reset()
        if was:
            self._show_text()
        return was

    def action_toggle_reveal(self) -> None:
        self.reveal.toggle()
        self._show_text()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        """s: write the document(s) as new files; a second s says where they already are."""
        if self.paths:
            self.notify(f"Already saved to {self.paths[0]}", timeout=4)
            return
        try:
            folder = self.download_dir()
            for index, pdf in enumerate(self.pdfs):
                part = f"-part{index + 1}" if len(self.pdfs) > 1 else ""
                self.paths.append(write_new_private_file(folder, self.stem + part, ".pdf", pdf))
        except OSError as error:
            self.notify(
                f"Could not save the PDF: {error.strerror or error}. "
                "Check the download folder (download_dir in the profile).",
                severity="error",
                timeout=8,
            )
            return
        self._show_text()
        self.notify(f"Saved {', '.join(str(p) for p in self.paths)}", timeout=6)
        if self.on_saved is not None:
            self.on_saved(list(self.paths))

    def action_copy_path(self) -> None:
        if self.path is None:
            self.notify("Not saved yet: s saves the PDF first.", severity="warning", timeout=4)
            return
        self.app.copy_to_clipboard(str(self.path))
        self.notify(f"Copied the path {self.path}", timeout=3)
