"""Print-ready rules on small hand-built inspections: the marking comes from the store, the
annex has exactly one page per short case sheet, long text splits across pages instead of
being clipped, long tables repeat their header, and a failed export writes nothing."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from reports_helpers import (
    add_case,
    bookmarks,
    flat,
    font_problems,
    grade_case,
    lines_with_height,
    make_inspection,
    read,
    refer,
    respond,
    texts,
)

from db.engine import Store
from workbench.errors import WorkbenchError
from workbench.reports import (
    findings,
    pdf,
    write_findings_html,
    write_findings_pdf,
    write_referrals_pdf,
    write_xlsx,
)
from workbench.reports.files import atomic_path
from workbench.reports.tables import fit_widths
from workbench.services.summary import summarise

MARKING = "OFFICIAL-SENSITIVE: PERSONAL"


def test_the_marking_is_the_inspections_own_on_every_page(store: Store, tmp_path: Path) -> None:
    inspection = make_inspection(store, marking=MARKING)
    case = add_case(store, inspection, "T/1")
    grade_case(store, case, "good")
    written = write_findings_pdf(store, inspection, tmp_path / "f.pdf")
    reader = read(written.path)
    for page in reader.pages:
        heights = [y for text, y in lines_with_height(page) if text == MARKING]
        assert max(heights) > 800 and min(heights) < 45
    assert "OFFICIAL-SENSITIVE\n" not in "".join(texts(reader))


def test_the_annex_has_exactly_one_page_per_short_case_sheet(store: Store, tmp_path: Path) -> None:
    inspection = make_inspection(store)
    grades = ["good", "requires_improvement", "inadequate", "good", "inadequate"]
    for number, grade in enumerate(grades, start=1):
        grade_case(store, add_case(store, inspection, f"T/{number}"), grade)
    add_case(store, inspection, "T/9")  # not graded: no sheet
    reader = read(write_findings_pdf(store, inspection, tmp_path / "f.pdf").path)
    marks = bookmarks(reader)
    annex = next(m for m in marks if m.title == "Annex A: Case sheets")
    sheets = [m for m in marks if m.title.startswith("Case ")]
    assert [m.title for m in sheets] == [f"Case T/{n}" for n in range(1, 6)]
    assert [m.page for m in sheets] == list(range(annex.page, annex.page + 5))
    assert len(reader.pages) == annex.page + 4
    assert "The 1 case not yet graded is not included." in flat(texts(reader)[annex.page - 1])


def test_a_rationale_of_thousands_of_characters_splits_across_pages_unclipped(
    store: Store, tmp_path: Path
) -> None:
    inspection = make_inspection(store)
    sentences = [f"Finding{n:03d} the officer did not record what was done." for n in range(300)]
    rationale = " ".join(sentences)
    assert len(rationale) > 15_000
    notes = " ".join(f"Note{n:03d} evidence was missing." for n in range(400))
    case = add_case(store, inspection, "LONG/1")
    grade_case(store, case, "inadequate", rationale=rationale, notes=notes)
    reader = read(write_findings_pdf(store, inspection, tmp_path / "f.pdf").path)
    sheet = next(m for m in bookmarks(reader) if m.title == "Case LONG/1")
    body = flat(" ".join(texts(reader)[sheet.page - 1 :]))
    assert len(reader.pages) - sheet.page >= 3  # the sheet runs over several pages
    for n in range(300):
        assert f"Finding{n:03d}" in body
    for n in range(400):
        assert f"Note{n:03d}" in body
    assert font_problems(reader) == []


def test_a_schedule_of_45_referrals_repeats_its_header_on_every_page(
    store: Store, tmp_path: Path
) -> None:
    inspection = make_inspection(store)
    for number in range(45):
        case = add_case(store, inspection, f"R/{number:02d}", unit="West borough")
        referral = refer(store, case, ("immediate", "urgent", "routine")[number % 3])
        if number % 2:
            respond(store, referral, "acknowledged", note="Passed to the duty inspector.")
    quiet = add_case(store, inspection, "QUIET/1")
    grade_case(store, quiet, "good")
    reader = read(write_referrals_pdf(store, inspection, tmp_path / "r.pdf").path)
    pages = texts(reader)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "Risk to the child" in page and "Response so far" in page
        assert f"Page {number} of {len(pages)}" in page
        assert (round(float(reader.pages[number - 1].mediabox.width)), 595) == (842, 595)
    everything = flat(" ".join(pages))
    for number in range(45):
        assert f"R/{number:02d}" in everything
    assert "QUIET/1" not in everything
    assert font_problems(reader) == []
    assert reader.metadata.title == "Referral schedule: Testshire Police"


def test_a_schedule_keeps_its_rows_whole_and_its_header_at_the_top_of_each_page(
    demo_store, tmp_path: Path
) -> None:
    """Rows of a few lines go whole to the next page; the header never reappears mid-page."""
    path = write_referrals_pdf(demo_store.store, demo_store.inspection_id, tmp_path / "r.pdf").path
    pages = texts(read(path))
    assert len(pages) >= 2
    for page in pages:
        assert page.count("Respond by") == 1  # the header, once, at the top
    everything = flat(" ".join(pages))
    # NS/24/0006's responses all stand on the page with its reference, none cut away from it.
    sixth = next(page for page in pages if "NS/24/0006" in page)
    assert "Child seen at home" in flat(sixth) and "Strategy discussion" in flat(sixth)
    assert everything.count("NS/24/0006") == 1


def test_the_findings_schedule_counts_agree_with_the_summary(store: Store, tmp_path: Path) -> None:
    inspection = make_inspection(store)
    case = add_case(store, inspection, "S/1")
    grade_case(store, case, "inadequate")
    first = refer(store, case, "immediate")
    respond(store, first, "closed", note="Child moved to a safe address.")
    refer(store, case, "routine")
    reader = read(write_findings_pdf(store, inspection, tmp_path / "f.pdf").path)
    figures = summarise(store, inspection)["referrals"]
    text = flat(" ".join(texts(reader)))
    assert f"({figures['total']} referrals): {figures['open']} still open" in text
    assert "1 case was referred back to the force" in text


def test_an_inspection_without_cases_still_makes_a_tidy_report(
    store: Store, tmp_path: Path
) -> None:
    inspection = make_inspection(store)
    reader = read(write_findings_pdf(store, inspection, tmp_path / "f.pdf").path)
    text = flat(" ".join(texts(reader)))
    assert "No cases have been added to this inspection yet." in text
    assert "No cases were referred back to the force." in text
    assert font_problems(reader) == []


def test_a_failed_export_leaves_the_previous_file_and_no_temporary_file(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inspection = make_inspection(store)
    target = tmp_path / "findings.pdf"
    target.write_bytes(b"the previous report")

    def half_then_fail(document, method, path, progress, expected):
        Path(path).write_bytes(b"%PDF-1.4 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf, "render", half_then_fail)
    with pytest.raises(WorkbenchError, match="No space left on device.*Nothing was written"):
        findings.write_findings_pdf(store, inspection, target)
    assert target.read_bytes() == b"the previous report"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_writing_into_a_missing_folder_is_refused_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match="does not exist"), atomic_path(tmp_path / "no" / "x"):
        pass


def test_progress_reaches_the_page_count(store: Store, tmp_path: Path) -> None:
    inspection = make_inspection(store)
    grade_case(store, add_case(store, inspection, "P/1"), "good")
    calls: list[tuple[int, int, str]] = []
    written = write_findings_pdf(
        store, inspection, tmp_path / "f.pdf", lambda d, t, m: calls.append((d, t, m))
    )
    assert calls[-1][:2] == (written.pages, written.pages)
    assert all(done <= total for done, total, _ in calls)


def test_column_widths_keep_words_whole_and_fill_the_width() -> None:
    widths = fit_widths(
        ["Category", "Cases", "Requires improvement"],
        [3.0, 1.0, 1.0],
        [False, True, True],
        400.0,
        [["Section 47 child protection investigation"], ["12"], ["4"]],
    )
    assert sum(widths) == pytest.approx(400.0)
    assert widths[2] > widths[1]  # "improvement" needs more room than "Cases"
    assert widths[0] > 200


def test_awkward_text_is_printed_as_written_and_never_run(store: Store, tmp_path: Path) -> None:
    inspection = make_inspection(store, force="Bröckley & <Sands>")
    case = add_case(store, inspection, "=HYPERLINK(1)", unit="Łódź & Zoë's unit")
    rationale = '=1+1 <b>not bold</b> & the child\'s "safety" came first.'
    grade_case(store, case, "requires_improvement", inspector="Zoë Łukasz", rationale=rationale)
    pdf_path = write_findings_pdf(store, inspection, tmp_path / "f.pdf").path
    text = flat(" ".join(texts(read(pdf_path))))
    assert "Bröckley & <Sands> Police" in text
    assert rationale in text
    assert "Zoë Łukasz" in text
    write_xlsx(store, inspection, tmp_path / "d.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "d.xlsx")["Assessments"]
    cells = {cell.value: cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row}
    assert cells[rationale] == "s" and cells["=HYPERLINK(1)"] == "s"
    write_findings_html(store, inspection, tmp_path / "f.html")
    html = (tmp_path / "f.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>not bold</b>" not in html


def test_the_report_font_ships_with_its_licence() -> None:
    from workbench.reports.fonts import _FILES, LICENCE_FILE, font_folder

    folder = font_folder()
    for file in _FILES.values():
        assert (folder / file).read_bytes()[:4] == b"\x00\x01\x00\x00"  # a TrueType file
    assert "Bitstream Vera Fonts Copyright" in (folder / LICENCE_FILE).read_text("utf-8")


def test_pages_already_written_let_go_of_their_flowables(tmp_path: Path) -> None:
    """A long report is laid out without holding every page's flowables until the end (the
    findings PDF of 5,000 cases would need gigabytes): while page 40 is laid out, few of the
    report's paragraphs are alive; and "Page N of M" and the contents still come out right."""
    import gc

    from pypdf import PdfReader
    from reportlab.platypus import Paragraph

    from workbench.methodology import load_methodology
    from workbench.reports.content import Document, Section, TextBlock

    alive_at_page_40: list[int] = []

    def progress(done: int, total: int, message: str) -> None:
        if done == 40:
            gc.collect()
            alive_at_page_40.append(sum(isinstance(o, Paragraph) for o in gc.get_objects()))

    blocks = [TextBlock(f"Paragraph {n} of the findings. " * 8) for n in range(2_000)]
    document = Document(
        title="Long", subject="Long", author="Bench", marking=MARKING,
        running_title="Long document", cover=None,
        sections=[Section("Findings", "findings", blocks)],
    )  # fmt: skip
    pages = pdf.render(document, load_methodology(), tmp_path / "long.pdf", progress)
    assert pages > 40 and alive_at_page_40 and alive_at_page_40[0] < 200
    reader = PdfReader(str(tmp_path / "long.pdf"))
    assert len(reader.pages) == pages
    assert f"Page 1 of {pages}" in reader.pages[0].extract_text()
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()
    contents = reader.pages[0].extract_text()
    assert contents.split("Findings")[1].split()[0] == "1"
