"""The findings PDF and its HTML twin state what inspectors answered at each prompt and fact,
stage by stage, and the force's self-assessment: counts and sentences read from the file.

The inspection is ``evidence_helpers.build_evidence`` (its table is in test_summary_prompts).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from evidence_helpers import build_evidence
from reports_helpers import flat, read, texts

from workbench.identity import set_user_name
from workbench.reports import write_findings_html, write_findings_pdf
from workbench.store import open_workbench_store

SEEN = (
    "The child was seen and spoken to (alone where appropriate), and their views, wishes and "
    "feelings were recorded."
)
SEEN_SENTENCE = (
    "In 2 of 6 cases, the child was not properly seen and spoken to, or their views were not "
    "recorded."
)
KEPT_SENTENCE = (
    "Of 3 children in custody cases, 2 resulted in the child being kept in custody after charge."
)
REFERRED = (
    "Of the 3 cases referred back to the force because they placed a child or children at "
    "continued risk, the force had itself assessed 1 as 'good', 1 as 'requires improvement' "
    "and 1 as 'inadequate'."
)


@dataclass
class Written:
    pages: list[str]  # each page's text, white space made single spaces
    text: str  # every page, joined
    html: str
    html_text: str


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Written]:
    folder = Path(tmp_path_factory.mktemp("evidence"))
    store = open_workbench_store(folder / "store.sqlite")
    set_user_name(store, "Alex Inspector")
    inspection = build_evidence(store)
    pdf = write_findings_pdf(store, inspection, folder / "findings.pdf").path
    html = write_findings_html(store, inspection, folder / "findings.html").path.read_text()
    store.close()
    pages = [flat(t) for t in texts(read(pdf))]
    parser = _Text()
    parser.feed(html)
    yield Written(pages, " ".join(pages), html, flat(" ".join(parser.parts)))


def _page(written: Written, heading: str) -> str:
    """The text from a section's heading to the next section's (pages joined)."""
    body = " ".join(written.pages[2:])  # after the cover and the contents
    start = body.index(heading)
    rest = body[start + len(heading) :]
    following = re.search(r"What we found: |The force's self-assessment|Annex A", rest)
    return body[start : start + len(heading) + (following.start() if following else len(rest))]


def test_a_section_per_stage_with_its_sentences(written: Written) -> None:
    contact = _page(written, "What we found: initial contact")
    assert SEEN_SENTENCE in contact
    custody = _page(written, "What we found: police detention")
    assert KEPT_SENTENCE in custody
    assert "What we found: managing those who pose a risk" not in written.text  # none counted


def test_the_prompt_table_gives_each_answers_count(written: Written) -> None:
    contact = _page(written, "What we found: initial contact")
    # Cases 7; yes 4, partly 1, no 1, not applicable 0; differed 1; 2 of 6 fell short (no
    # column for not answered: every case answered it).
    assert re.search(re.escape(SEEN) + r" 7 4 1 1 0 1 2 of 6", contact), contact


def test_the_fact_table_lists_each_answer_of_its_own_set(written: Written) -> None:
    custody = _page(written, "What we found: police detention")
    assert re.search(
        r"Was the child kept in police custody after charge\? 4 Yes: 2; No: 1; Not known \(not "
        r"recorded\): 0; Not charged: 1 2 of 3",
        custody,
    ), custody


def test_rows_are_ordered_by_how_often_practice_fell_short(written: Written) -> None:
    custody = _page(written, "What we found: police detention")
    # Kept after charge: 2 of 3 short; the other custody facts were not answered.
    assert custody.index(KEPT_SENTENCE) < custody.index("Table")
    assert "Not answered in any graded case so far: " in custody


def test_the_force_self_assessment_section(written: Written) -> None:
    own = _page(written, "The force's self-assessment")
    assert REFERRED in own
    assert re.search(r"Referred back to the force 3 1 1 1", own)  # force graded; G, RI, I
    assert re.search(r"All cases 4 1 2 1", own)  # K1 good, K2 and M1 RI, S1 inadequate
    assert re.search(r"Weighted kappa and Gwet's AC1 3 cases: too few to measure", own)
    assert REFERRED in written.text[: written.text.index("Table 1")]  # in the headline too


def test_the_html_twin_says_the_same(written: Written) -> None:
    text = written.html_text
    for sentence in (SEEN_SENTENCE, KEPT_SENTENCE, REFERRED):
        assert sentence in text
    assert re.search(re.escape(SEEN) + r" 7 4 1 1 0 1 2 of 6", text)
    assert '<h2 id="evidence-initial_contact">What we found: initial contact</h2>' in written.html
