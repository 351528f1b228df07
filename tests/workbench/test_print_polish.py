"""Print as people print: PDF links printable (kept by a PDF/A conversion), the HTML twin's
marking on every printed page, and the optional publication block on the cover."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from reports_helpers import add_case, flat, grade_case, make_inspection, read, texts

from db.engine import Store
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.reports import write_findings_html, write_findings_pdf
from workbench.reports.print_css import css_string
from workbench.reports.publication import checked_isbn

PUBLISHED = {"isbn": "978-0-306-40615-7", "copyright": "ogl", "published": date(2026, 12, 1)}


@pytest.fixture
def inspection(store: Store) -> str:
    inspection = make_inspection(store, marking="OFFICIAL")
    for number in range(3):
        case = add_case(store, inspection, f"NS/2026/{number:04d}")
        grade_case(store, case, "good", rationale="Seen and heard.")
    return inspection


def test_every_link_in_the_pdf_is_printable(store: Store, inspection: str, tmp_path: Path):
    reader = read(write_findings_pdf(store, inspection, tmp_path / "f.pdf").path)
    links = [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object()["/Subtype"] == "/Link"
    ]
    assert links  # the contents page links to each section
    assert all(int(link["/F"]) & 4 for link in links)  # the Print flag


def test_the_html_prints_the_marking_on_every_page(store: Store, inspection: str, tmp_path):
    page = write_findings_html(store, inspection, tmp_path / "f.html").path.read_text("utf-8")
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert '@top-center { content: "OFFICIAL";' in style
    assert '@bottom-center { content: "OFFICIAL";' in style
    assert 'content: "Page " counter(page) " of " counter(pages)' in style


def test_a_marking_cannot_break_out_of_the_print_css() -> None:
    assert css_string('SECRET"}</style><script>x</script>') == (
        '"SECRET\\"}\\3c /style\\3e \\3c script\\3e x\\3c /script\\3e "'
    )
    assert css_string("two\nlines") == '"two\\a lines"'


def test_the_cover_carries_the_publication_block(store: Store, inspection: str, tmp_path):
    pdf = write_findings_pdf(store, inspection, tmp_path / "f.pdf", **PUBLISHED)
    cover = flat(texts(read(pdf.path))[0])
    assert "Published 1 December 2026" in cover
    assert "ISBN 978-0-306-40615-7" in cover
    ogl = "© Crown copyright 2026. This publication is licensed under the terms of the Open "
    assert ogl + "Government Licence v3.0" in cover
    html = write_findings_html(store, inspection, tmp_path / "f.html", **PUBLISHED)
    page = html.path.read_text("utf-8")
    assert "<dt>ISBN</dt>" in page and "978-0-306-40615-7" in page
    plain = flat(texts(read(write_findings_pdf(store, inspection, tmp_path / "d.pdf").path))[0])
    assert "ISBN" not in plain and "Crown copyright" not in plain  # a draft has none


@pytest.mark.parametrize("isbn", ["978-0-306-40615-7", "9780306406157", "0-306-40615-2"])
def test_good_isbns(isbn: str) -> None:
    assert checked_isbn(isbn) == isbn


@pytest.mark.parametrize(
    ("isbn", "said"),
    [("978-0-306-40615-8", "wrong check digit"), ("ISBN please", "is not an ISBN"),
     ("0-306-40615-3", "wrong check digit")],
)  # fmt: skip
def test_bad_isbns_are_refused(isbn: str, said: str) -> None:
    with pytest.raises(WorkbenchError, match=said):
        checked_isbn(isbn)


def test_the_command_line_takes_the_publication_details(
    store: Store, store_path: Path, inspection: str, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "published.pdf"
    args = ["--db", str(store_path), "report", "pdf", "--inspection", inspection, "--out",
            str(out), "--isbn", "978-0-306-40615-7", "--published", "01/12/2026",
            "--copyright", "© Northshire Inspectorate 2026"]  # fmt: skip
    assert main(args) == 0
    cover = flat(texts(read(out))[0])
    assert "ISBN 978-0-306-40615-7" in cover and "© Northshire Inspectorate 2026" in cover
    bad = tmp_path / "bad.pdf"
    assert main([*args[:7], str(bad), "--isbn", "978-0-306-40615-8"]) == 1
    assert "wrong check digit" in capsys.readouterr().err
    assert not bad.exists()
