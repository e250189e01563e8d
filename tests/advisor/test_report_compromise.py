"""The report's ``compromise`` section in every format: the split of the scenario's budget (its cap,
else the cost of its design) as :func:`advisor.planning.compromise.compromise` computes it, with its
plot, its table, the JSON payload and the CSV's best-split columns."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

from advisor.evaluation.evaluate import VERDICT_WORDS
from advisor.planning.compromise import compromise
from advisor.report import build_report, render
from advisor.report.compromise_section import COMPARISON_HEADERS
from advisor.report.model import SECTION_KEYS, SECTION_TITLES, Figure, Paragraph, Table
from advisor.scenario.schema import examples_dir, load_scenario_file

TITLE = SECTION_TITLES["compromise"]


@pytest.fixture(scope="module")
def scenario():
    # The budget cap is what the report splits; 4,000 buys 4,637 items with one rater.
    return load_scenario_file(examples_dir() / "medical_xray_binary.json").with_changes(
        {"campaign.budget_cap": 4000.0})


@pytest.fixture(scope="module")
def report(scenario):
    return build_report([scenario], sections=["verdict", "compromise"], include_optimizer=False)


@pytest.fixture(scope="module")
def expected(scenario):
    return compromise(scenario, 4000.0)


def test_the_section_follows_the_frontier_in_document_order():
    assert SECTION_KEYS.index("compromise") == SECTION_KEYS.index("frontier") + 1


def test_the_section_is_the_analysis_of_the_budget_cap(report, expected):
    section = next(s for s in report.sections if s.key == "compromise")
    assert section.title == TITLE
    verdict = section.blocks[0]
    assert isinstance(verdict, Paragraph) and verdict.style == "verdict" and verdict.text == expected.message
    assert "$4,000" in section.blocks[1].text
    figure = next(b for b in section.blocks if isinstance(b, Figure))
    assert figure.png.startswith(b"\x89PNG") and f"{expected.best_row.items:,} items" in figure.alt_text
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert table.key == "compromise" and len(table.rows) == len(expected.rows) == 10
    for cells, row in zip(table.rows, expected.rows):
        assert cells[:8] == (row.raters, row.items, row.cost, row.label_error, row.item_achievable,
                             row.model_error["at_least"], row.model_error["at_most"], row.achievable)
        assert cells[11] == VERDICT_WORDS[row.verdict]
    assert [cells[12] for cells in table.rows].index(True) == expected.best


def test_without_a_budget_cap_the_report_splits_the_cost_of_the_design():
    scenario = load_scenario_file(examples_dir() / "rlhf_pairwise_preference.json")
    assert scenario.campaign.budget_cap is None
    report = build_report([scenario], sections=["compromise"], include_optimizer=False)
    section = report.sections[0]
    assert "(the cost of the design as given)" in section.blocks[1].text
    assert section.blocks[0].text == compromise(scenario).message


def test_a_scenario_whose_items_cost_nothing_gets_the_reason(scenario):
    free = scenario.with_changes({"campaign.wage_per_hour": 0.0, "campaign.budget_cap": None, "name": "unpaid"})
    report = build_report([free], sections=["compromise"], include_optimizer=False)
    (only,) = report.sections[0].blocks
    assert only.style == "note" and "its design costs nothing (wage 0)" in only.text
    document = json.loads(render(report, "json"))
    assert document["scenarios"][0]["compromise"] == {"error": only.text}


def test_html_has_the_section_its_plot_and_table(report, expected):
    html = render(report, "html").decode("utf-8")
    assert 'id="compromise"' in html and TITLE.replace("&", "&amp;") in html
    assert html.count('src="data:image/png;base64,') == len(report.figures())
    assert "best split is" in html and "model error, at most (Gallager)" in html


def test_markdown_has_the_section_and_its_table(report, expected):
    text = render(report, "md").decode("utf-8")
    assert f"# {TITLE}" in text
    assert "| raters per item | items bought |" in text
    best = expected.best_row
    assert f"| {best.raters} | {best.items:,} |" in text
    # The value model's errors are risks like the other columns, to four decimals: "5.68e-288" said
    # nothing a practitioner reads that "0.0000" does not.
    table = text[text.index("| raters per item | items bought |"):]
    rows = [line for line in table.splitlines()[2:] if line.startswith("|")][:len(expected.rows)]
    for line, row in zip(rows, expected.rows):
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert cells[5:7] == [f"{row.model_error['at_least']:.4f}", f"{row.model_error['at_most']:.4f}"]
    assert any(row.model_error["at_most"] < 1e-4 for row in expected.rows)  # a tiny error is among them


def test_json_carries_the_whole_analysis(report, expected):
    document = json.loads(render(report, "json"))
    payload = document["scenarios"][0]["compromise"]
    want = json.loads(json.dumps(expected.to_dict()))
    assert payload.keys() == want.keys()
    for got, row in zip(payload["rows"], want["rows"]):
        for key, value in row.items():
            if isinstance(value, float):
                assert math.isclose(got[key], value, rel_tol=1e-12, abs_tol=1e-300), key
            else:
                assert got[key] == value, key
    assert payload["best"]["raters"] == expected.best_row.raters
    section = next(s for s in document["sections"] if s["key"] == "compromise")
    assert any(block["type"] == "table" and block["key"] == "compromise" for block in section["blocks"])


def test_csv_row_has_the_best_split(report, expected):
    rows = list(csv.reader(io.StringIO(render(report, "csv").decode("utf-8")), quoting=csv.QUOTE_NONNUMERIC))
    header, values = rows[0], rows[1]
    cells = dict(zip(header, values))
    assert list(COMPARISON_HEADERS) == header[-len(COMPARISON_HEADERS):]
    assert cells["compromise budget"] == 4000.0
    assert cells["compromise best raters per item"] == expected.best_row.raters
    assert cells["compromise best items"] == expected.best_row.items
    assert cells["compromise best achievable risk"] == pytest.approx(expected.best_row.achievable, rel=1e-12)


def test_pdf_has_the_section(report, expected):
    import pypdf  # in the test extra: a missing install fails here rather than skipping
    reader = pypdf.PdfReader(io.BytesIO(render(report, "pdf")))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert TITLE in text
    assert f"the best split is {expected.best_row.raters} raters per item on {expected.best_row.items:,} items" in text
    assert sum(len(page.images) for page in reader.pages) == len(report.figures())
