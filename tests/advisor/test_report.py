"""Reports: every format from every example, escaping, PDF content, JSON numbers, CSV injection,
comparisons and the protocol of exports."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import shutil
import subprocess
from dataclasses import replace

import pytest

from advisor.evaluation.evaluate import evaluate
from advisor.report import FORMATS, build_report, export_report, render, write_report
from advisor.errors import Cancelled
from advisor.report.build import SECTION_KEYS
from advisor.report.model import Figure, Paragraph, Table
from advisor.report.render_csv import neutralise, render_csv
from advisor.report.render_html import render_html
from advisor.report.render_json import render_json
from advisor.report.render_md import render_markdown
from advisor.scenario.schema import Scenario, example_scenarios

EXAMPLES = example_scenarios()
SCRIPT_NAME = "<script>alert(1)</script>"


def _small_scenario(name: str = "small", **changes) -> Scenario:
    scenario = Scenario(
        name=name,
        contexts=[{"name": "easy", "weight": 2}, {"name": "hard", "weight": 1, "difficulty": 0.6}],
        questions=[
            {"name": "correct", "format": {"kind": "binary"}},
            {"name": "quality", "format": {"kind": "ordinal", "k": 5}},
        ],
        raters={"per_item": 3},
        campaign={"items": 2000, "seconds_per_item": 30},
    )
    return scenario.with_changes(changes) if changes else scenario


@pytest.fixture(scope="module")
def example_reports():
    """One full report per example scenario, built once for all format tests."""
    return {scenario.name: build_report([scenario]) for scenario in EXAMPLES}


@pytest.fixture(scope="module")
def small_report():
    return build_report([_small_scenario()], include_optimizer=False)


# ------------------------------------------------------------------ formats
def test_verdicts_read_in_words_in_every_table_but_the_comparisons_data(example_reports):
    """The lever and frontier tables and the recommended design wrote "undecided" where the verdict
    section, the window and the comparison write the words; the comparison table (the CSV's data)
    keeps the keys."""
    from advisor.evaluation.evaluate import VERDICT_WORDS
    from advisor.report.model import KeyValues

    words = set(VERDICT_WORDS.values())
    seen = 0
    for report in example_reports.values():
        for section in report.sections:
            for block in section.blocks:
                if isinstance(block, KeyValues):
                    cells = [row.value for row in block.rows if row.label == "verdict"]
                elif isinstance(block, Table) and "verdict" in block.headers and block.key != "comparison":
                    column = block.headers.index("verdict")
                    cells = [row[column] for row in block.rows if row[column] != ""]
                else:
                    continue
                assert set(cells) <= words, (section.key, cells)
                seen += len(cells)
    assert seen > 3 * len(example_reports)


def test_the_frontier_table_marks_the_recommended_design_at_its_own_cost(example_reports):
    """The recommended design, refined below the optimiser's time grid, was missing from the table
    (the chatbot rubric's $15,780 design beside the grid's $16,938 one)."""
    marked = 0
    for report in example_reports.values():
        for section in report.sections:
            cards = [b for b in section.blocks if getattr(b, "title", "") == "Recommended design"]
            tables = [b for b in section.blocks if isinstance(b, Table) and b.key == "frontier"]
            if not cards or not tables:
                continue
            card = {row.label: row.value for row in cards[0].rows}
            table = tables[0]
            rows = [row for row in table.rows if row[table.headers.index("design")] == "recommended"]
            assert len(rows) == 1
            seconds = rows[0][table.headers.index("seconds per item")]
            assert f"{seconds:.1f}" == card["time per rater per item"]
            marked += 1
    assert marked >= 4


def test_there_are_example_scenarios():
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda s: s.name)
def test_every_format_from_every_example(example_reports, scenario, fmt, tmp_path):
    report = example_reports[scenario.name]
    path = tmp_path / f"report.{fmt}"
    info = write_report(report, fmt, path)
    data = path.read_bytes()
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.size_bytes == len(data) > 0
    if fmt == "pdf":
        assert data.startswith(b"%PDF-")
        assert b"/ASCII85Decode" not in data  # binary streams: a sixth smaller
        return
    text = data.decode("utf-8")
    if fmt == "html":
        assert text.startswith("<!DOCTYPE html>")
        assert text.count('src="data:image/png;base64,') == len(report.figures()) >= 5
        for key in ("verdict", "inputs", "capacity", "plots", "recommendations", "frontier", "method", "protocol"):
            assert f'id="{key}"' in text
    elif fmt == "md":
        assert text.startswith("# Annotation design report")
        assert "| question |" in text
        assert len(info.extra_files) == len(report.figures())
        for figure_file in info.extra_files:
            assert figure_file.read_bytes().startswith(b"\x89PNG")
            assert f"({figure_file.parent.name}/{figure_file.name})" in text
    elif fmt == "json":
        document = json.loads(text)
        assert document["scenarios"][0]["name"] == scenario.name
        assert document["scenarios"][0]["recommendations"]
        assert document["scenarios"][0]["optimizer"]["frontier"] or document["scenarios"][0]["optimizer"]["message"]
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == 2
        assert rows[1][0] == neutralise(scenario.name)


@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda s: s.name)
def test_every_example_report_has_a_verdict_interval_and_all_sections(example_reports, scenario):
    report = example_reports[scenario.name]
    keys = [section.key for section in report.sections]
    assert keys == [k for k in SECTION_KEYS if k != "comparison"]
    verdict = report.sections[0].blocks[0]
    assert isinstance(verdict, Paragraph) and verdict.style == "verdict"
    e = evaluate(scenario, curves=False)
    assert f"{e.floor:.3f}".replace("-", "−") in verdict.text
    assert f"{e.achievable:.3f}".replace("-", "−") in verdict.text
    assert e.verdict_text in verdict.text
    plots = next(s for s in report.sections if s.key == "plots")
    assert sum(isinstance(b, Figure) for b in plots.blocks) == 5


# ------------------------------------------------------------------ HTML
def test_html_escapes_a_script_in_the_scenario_name_and_text():
    scenario = _small_scenario(SCRIPT_NAME, notes=f"notes {SCRIPT_NAME}")
    scenario = scenario.with_changes({"contexts.0.name": SCRIPT_NAME, "questions.0.name": "<b onmouseover=x>q</b>"})
    report = build_report([scenario], include_optimizer=False)
    html = render_html(report)
    assert SCRIPT_NAME not in html
    assert "<script" not in html.lower()
    assert "<b onmouseover" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=x&gt;q&lt;/b&gt;" in html
    markdown = render_markdown(report)
    assert SCRIPT_NAME not in markdown and "<b onmouseover" not in markdown


def test_html_is_self_contained(small_report):
    html = render_html(small_report)
    assert "<link" not in html and "<script" not in html
    assert 'src="http' not in html and "url(" not in html
    assert "@media print" in html and "size: A4" in html


# ------------------------------------------------------------------ PDF
def test_pdf_has_text_images_and_page_numbers(small_report):
    import pypdf  # in the test extra: a missing install fails here rather than skipping
    reader = pypdf.PdfReader(io.BytesIO(render(small_report, "pdf")))
    pages = len(reader.pages)
    assert pages >= 3
    first = reader.pages[0].extract_text()
    assert "Verdict" in first and "small" in first
    assert f"page 1 of {pages}" in first
    assert f"page {pages} of {pages}" in reader.pages[-1].extract_text()
    images = sum(len(page.images) for page in reader.pages)
    assert images == len(small_report.figures()) >= 5
    all_text = "".join(page.extract_text() for page in reader.pages)
    assert "Reproducibility protocol" in all_text and "Method" in all_text
    assert [item.title for item in reader.outline if not isinstance(item, list)][:2] == ["Verdict", "Inputs"]


def test_a_pdf_page_rendered_to_png_is_not_blank(small_report, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian package poppler-utils) is not installed; CI installs it")
    from PIL import Image

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(small_report, "pdf"))
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    for page in pages[:3]:
        image = Image.open(page).convert("L")
        histogram = image.histogram()
        dark = sum(histogram[:200]) / (image.width * image.height)
        assert dark > 0.01, f"{page.name} is blank"


@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda s: s.name)
def test_pdf_pages_leave_little_empty_and_figures_keep_their_order_and_section(example_reports, scenario):
    """Every example's report left half a page or more empty before its plots (at most 0.83 of the
    frame, the tweet sentiment one) and again before a figure or a short table that did not fit: each
    risk plot went to a page alone. Figures now float past the text of their own section, and shrink a
    little where that makes them fit."""
    import pypdf

    from advisor.report.render_pdf import FRAME_HEIGHT, _render

    report = example_reports[scenario.name]
    pdf, document = _render(report)
    # Every page but the last (which ends where the report does).
    empty = [left / FRAME_HEIGHT for left in document.space_left]
    assert len(empty) == len(pypdf.PdfReader(io.BytesIO(pdf)).pages) - 1
    assert max(empty) <= 0.45, empty
    assert sum(share > 0.25 for share in empty) <= 1, empty

    # Headings and figures drawn in the report's order: a figure never leaves its section.
    expected = []
    for section in report.sections:
        expected.append(("heading", section.title))
        expected.extend(("figure", block.title) for block in section.blocks if isinstance(block, Figure))
    assert [(kind, title) for kind, title, _ in document.drawn] == expected


@pytest.mark.parametrize("sections", [("plots",), ("verdict", "capacity", "plots")])
def test_a_pdf_ending_with_figures_draws_every_figure(sections):
    """Figures queued behind a floating one at the very end of the story were dropped: a report of
    the plots alone drew one of its five figures."""
    from advisor.report.render_pdf import _render

    scenario = next(s for s in EXAMPLES if s.name.startswith("Chest X-ray"))
    report = build_report([scenario], sections=sections, include_optimizer=False)
    _, document = _render(report)
    drawn = [title for kind, title, _ in document.drawn if kind == "figure"]
    assert drawn == [figure.title for figure in report.figures()] and len(drawn) == 5


@pytest.mark.parametrize("rows", [3, 5, 8])
def test_a_pdf_table_taller_than_a_page_splits_where_it_must(rows):
    """Rows of long text (a provenance table's details) made a table taller than a page that the
    three-rows-each-side rule would not split anywhere: the export stopped with "too large"."""
    import pypdf

    from advisor.report.model import Report, Section
    from advisor.report.render_pdf import _render

    text = ("lorem ipsum dolor sit amet " * 60)[:1150]
    table = Table(headers=("name", "note", "more"), rows=tuple((f"row {n}", text, text) for n in range(rows)))
    report = Report("Tall", "today", (Section("s", "Section", (Paragraph("intro"), table), anchor="s"),),
                    Table(headers=("a",), rows=()))
    pdf, _ = _render(report)
    words = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert all(f"row {n}" in words for n in range(rows))


def test_a_pdf_figure_shrinks_a_little_to_fit_and_no_more(small_report):
    from advisor.report.render_pdf import FIGURE_SHRINK_LIMIT, FRAME_WIDTH, _FittingFigure

    figure = _FittingFigure(small_report.figures()[0])
    _, natural = figure.wrap(FRAME_WIDTH, 10_000)
    assert figure.scale == 1.0
    caption_and_gap = natural - figure.image_height
    # Room for 90 % of the image: drawn at 90 %, exactly filling the room.
    room = caption_and_gap + 0.9 * figure.image_height
    assert figure.wrap(FRAME_WIDTH, room)[1] == pytest.approx(room)
    assert figure.scale == pytest.approx(0.9)
    # Room for less than the limit: it asks for the limit's height, which does not fit, so it moves on.
    room = caption_and_gap + (FIGURE_SHRINK_LIMIT - 0.1) * figure.image_height
    assert figure.wrap(FRAME_WIDTH, room)[1] > room
    assert figure.scale == FIGURE_SHRINK_LIMIT


@pytest.mark.parametrize("rows, room_rows, before", [
    (10, 6, 6),   # room for six: six here, four overleaf
    (10, 8, 7),   # room for eight would leave two overleaf: seven here, three overleaf
    (10, 2, 0),   # room for two: none here (the whole table moves)
    (5, 4, 0),    # five rows cannot leave three on each side: never split
])
def test_a_pdf_table_splits_only_with_three_rows_on_each_side(rows, room_rows, before):
    from advisor.report.render_pdf import FRAME_WIDTH, _pdf_table

    table = _pdf_table(Table(headers=("name", "value"), rows=tuple((f"row {n}", n) for n in range(rows))))[0]
    table.wrap(FRAME_WIDTH, 10_000)
    header, row = table._rowHeights[0], table._rowHeights[1]
    parts = table.split(FRAME_WIDTH, header + room_rows * row + 0.5)
    if before == 0:
        assert parts == []
    else:
        assert [len(part._cellvalues) - 1 for part in parts] == [before, rows - before]
        assert parts[1]._cellvalues[0] == table._cellvalues[0]  # the header is repeated overleaf


def test_pdf_tables_never_overflow_the_page_width():
    from advisor.report.render_pdf import FRAME_WIDTH, _pdf_table

    long_text = "a rather long explanation " * 6
    # More rows than are kept together, so the first flowable is the table itself.
    table = Table(
        headers=tuple(f"column header number {i}" for i in range(12)),
        rows=tuple(tuple([long_text, "x" * 90, *range(10)]) for _ in range(20)),
    )
    flowable = _pdf_table(table)[0]
    width, _ = flowable.wrap(FRAME_WIDTH, 10_000)
    assert width <= FRAME_WIDTH + 0.01
    assert sum(flowable._colWidths) == pytest.approx(FRAME_WIDTH)


def test_pdf_survives_very_long_free_text():
    import pypdf  # in the test extra: a missing install fails here rather than skipping
    scenario = _small_scenario("long notes", notes="a long note " * 1600)
    report = build_report([scenario], sections={"inputs", "protocol"})
    reader = pypdf.PdfReader(io.BytesIO(render(report, "pdf")))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert f"cut at 1200 of {len(scenario.notes):,} characters" in text


# ------------------------------------------------------------------ JSON
def _assert_same_numbers(expected, actual, path="evaluation"):
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            _assert_same_numbers(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for index, (a, b) in enumerate(zip(expected, actual)):
            _assert_same_numbers(a, b, f"{path}.{index}")
    elif isinstance(expected, float):
        assert math.isclose(expected, actual, rel_tol=1e-12, abs_tol=1e-15), f"{path}: {expected} != {actual}"
    else:
        assert expected == actual, path


@pytest.mark.parametrize("scenario", EXAMPLES[:3], ids=lambda s: s.name)
def test_json_report_carries_the_same_numbers_as_evaluate(example_reports, scenario):
    document = json.loads(render_json(example_reports[scenario.name]))
    entry = document["scenarios"][0]
    expected = json.loads(json.dumps(evaluate(scenario).to_dict()))
    _assert_same_numbers(expected, entry["evaluation"])
    assert entry["evaluation"]["capacity_bits"] == pytest.approx(expected["capacity_nats"] / math.log(2), rel=1e-12)
    assert entry["scenario"] == scenario.to_dict()
    assert document["protocol"]["scenarios"][0]["content_sha256"] == scenario.content_hash()
    assert document["comparison"]["rows"][0][0] == scenario.name


def test_json_report_is_finite_and_complete(small_report):
    document = json.loads(render_json(small_report))
    assert document["format"] == "annotation-advisor-report"
    assert {"scenarios", "protocol", "comparison", "sections"} <= set(document)
    entry = document["scenarios"][0]
    assert {"scenario", "evaluation", "diagnosis", "recommendations"} <= set(entry)
    assert "optimizer" not in entry  # include_optimizer=False
    first = entry["recommendations"][0]
    assert {"key", "title", "delta_capacity_nats", "delta_floor", "delta_cost", "applicable"} <= set(first)
    assert document["protocol"]["application_version"]


# ------------------------------------------------------------------ CSV
@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_prefixes_formula_triggers(text):
    assert neutralise(text) == "'" + text


def test_neutralise_keeps_ordinary_text():
    assert neutralise("rater 1 = best") == "rater 1 = best"


def test_csv_neutralises_injection_but_keeps_numbers_numeric():
    names = ['=HYPERLINK("http://evil.example","click")', "+cmd", "-2+3", "@SUM(A1:A2)"]
    # A one-bit target needs little capacity, so the capacity gap is negative.
    scenarios = [_small_scenario(name, **{"target.log2_m": 1}) for name in names]
    report = build_report(scenarios, sections={"verdict"}, include_optimizer=False)
    text = render_csv(report)
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == ["'" + name for name in names]
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
    numeric = list(csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC))
    gap_column = rows[0].index(next(h for h in rows[0] if h.startswith("capacity gap")))
    gaps = [row[gap_column] for row in numeric[1:]]
    assert all(isinstance(value, float) for value in gaps)
    assert all(value < 0 for value in gaps)
    assert all(row[gap_column].startswith("-") for row in rows[1:])  # negative numbers stay numbers, unprefixed


# ------------------------------------------------------------------ comparison
def test_two_scenario_comparison_report():
    first = _small_scenario("three raters")
    second = _small_scenario("five raters", **{"raters.per_item": 5})
    report = build_report([first, second], include_optimizer=False)
    keys = [section.key for section in report.sections]
    assert keys[0] == "comparison"
    assert keys.count("verdict") == 2 and keys.count("scenario") == 2
    comparison = report.sections[0]
    side_by_side = comparison.blocks[0]
    assert isinstance(side_by_side, Table) and side_by_side.headers[1:] == ("three raters", "five raters")
    assert sum(isinstance(b, Figure) for b in comparison.blocks) == 4
    assert [row[0] for row in report.comparison.rows] == ["three raters", "five raters"]
    capacity_column = next(i for i, h in enumerate(report.comparison.headers) if h.startswith("capacity ("))
    assert report.comparison.rows[1][capacity_column] >= report.comparison.rows[0][capacity_column]
    assert len({s.anchor for s in report.sections}) == len(report.sections)
    html = render_html(report)
    assert "three raters" in html and "five raters" in html
    assert render(report, "pdf").startswith(b"%PDF-")
    assert len(list(csv.reader(io.StringIO(render_csv(report))))) == 3


def test_the_comparison_summary_counts_in_words_and_names_different_targets():
    """It read "1 of 2 are ruled out by their floor" and named the lowest achievable risk across
    scenarios whose targets differed."""
    from advisor.evaluation.evaluate import evaluate
    from advisor.report.model import Paragraph

    first = _small_scenario("strict", **{"target.target_risk": 0.1})  # floor 0.71
    second = _small_scenario("loose", **{"target.target_risk": 0.9, "raters.per_item": 5})  # floor 0.66
    assert [evaluate(s, curves=False).verdict for s in (first, second)].count("cannot") == 1
    report = build_report([first, second], include_optimizer=False)
    [summary] = [b.text for b in report.sections[0].blocks if isinstance(b, Paragraph) and "lowest achievable" in b.text]
    assert "their targets differ (ε = 0.9, 0.1)" in summary
    assert ("1 of 2 is ruled out by its floor" in summary) != ("1 of 2 scenarios meets its target" in summary)
    caption = report.sections[0].blocks[0].caption
    assert "“meets the target”" in caption and "“not ruled out, not guaranteed”" in caption


def test_a_report_refuses_repeated_names_and_unknown_sections():
    scenario = _small_scenario()
    with pytest.raises(ValueError, match="repeated"):
        build_report([scenario, scenario], include_optimizer=False)
    with pytest.raises(ValueError, match="choose from"):
        build_report([scenario], sections={"verdict", "appendix"})
    with pytest.raises(ValueError, match="at least one"):
        build_report([])


def test_sections_can_be_chosen():
    report = build_report([_small_scenario()], sections={"protocol", "verdict"})
    assert [s.key for s in report.sections] == ["verdict", "protocol"]
    assert "optimizer" not in report.data["scenarios"][0]  # no frontier section: the optimiser did not run


def test_progress_is_reported_and_can_cancel():
    calls = []
    build_report([_small_scenario()], include_optimizer=False, progress=lambda done, total: calls.append((done, total)))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] > 0
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    with pytest.raises(Cancelled):
        build_report([_small_scenario()], include_optimizer=False, progress=lambda done, total: done < 1)


# ------------------------------------------------------------------ export
def test_export_records_a_protocol_entry(tmp_path):
    from advisor.storage.store import ScenarioStore

    scenario = _small_scenario()
    with ScenarioStore.open(f"sqlite:///{tmp_path / 'protocol.sqlite'}", seed=False) as store:
        info = export_report([scenario], "html", tmp_path / "design.html", store=store, include_optimizer=False,
                             detail={"source": "test"})
        records = store.list_exports()
    assert len(records) == 1
    record = records[0]
    assert record.id == info.record_id
    assert record.what == "report" and record.fmt == "html"
    assert record.scenario_names == ("small",)
    assert record.path == str((tmp_path / "design.html").absolute())
    assert record.sha256 == hashlib.sha256((tmp_path / "design.html").read_bytes()).hexdigest()
    assert record.detail["content_sha256"] == {"small": scenario.content_hash()}
    assert record.detail["source"] == "test"


def test_a_failed_export_leaves_the_old_file(small_report, tmp_path, monkeypatch):
    import advisor.report.export as export

    target = tmp_path / "report.html"
    target.write_text("old report")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(export, "render_html", broken)
    with pytest.raises(RuntimeError):
        write_report(small_report, "html", target)
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_export_into_a_missing_folder_fails_clearly(small_report, tmp_path):
    from advisor.errors import AdvisorError

    with pytest.raises(AdvisorError, match="does not exist"):
        write_report(small_report, "json", tmp_path / "nowhere" / "report.json")


def test_a_figure_already_rendered_is_not_rendered_again_and_new_numbers_are(monkeypatch):
    """Figures are remembered by the numbers they show: the same curve gives the very same figure
    without drawing it again; a curve whose numbers differ is drawn."""
    from advisor.report import figures

    drawn = []
    real = figures._to_png
    monkeypatch.setattr(figures, "_to_png", lambda figure: drawn.append(1) or real(figure))
    monkeypatch.setattr(figures, "_figures", type(figures._figures)(figures.FIGURE_CACHE_SIZE))  # nothing remembered yet
    scenario = _small_scenario()
    curve = evaluate(scenario).curves["items"]
    first = figures.risk_curve_figure(curve, scenario.name)
    assert len(drawn) == 1
    again = figures.risk_curve_figure(curve, scenario.name)
    assert again is first and len(drawn) == 1
    before = len(drawn)
    moved = evaluate(scenario.with_changes({"raters.per_item": scenario.raters.per_item + 1})).curves["items"]
    other = figures.risk_curve_figure(moved, scenario.name)
    assert len(drawn) == before + 1 and other.png != first.png
    # Bypassing the memory draws the same image byte for byte: remembering changes nothing shown.
    assert figures.risk_curve_figure.__wrapped__(curve, scenario.name).png == first.png


def _drawn_at_the_edges(png: bytes) -> list[str]:
    """The sides of a figure's image where something other than the white background is drawn in
    its outermost two pixel columns or rows (a legend or label cut by the figure's edge)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    pixels = image.load()
    strips = {
        "left": ((x, y) for x in range(2) for y in range(height)),
        "right": ((x, y) for x in range(width - 2, width) for y in range(height)),
        "top": ((x, y) for y in range(2) for x in range(width)),
        "bottom": ((x, y) for y in range(height - 2, height) for x in range(width)),
    }
    return [side for side, points in strips.items() if any(pixels[point] < 235 for point in points)]


@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda s: s.name)
def test_no_figure_of_an_example_report_is_cut_at_its_edges(example_reports, scenario):
    # The risk curves' legend (ten entries with the value model's three) was laid out in three
    # columns wider than the figure, so its first swatches and last texts were cut off.
    figures = example_reports[scenario.name].figures()
    assert figures
    cut = {figure.title: sides for figure in figures if (sides := _drawn_at_the_edges(figure.png))}
    assert cut == {}


@pytest.mark.parametrize(("value", "spec", "text"), [
    (-0.00001, "+.4f", "0.0000"), (0.00001, "+.4f", "0.0000"), (-0.0001, ".3f", "0.000"), (0, "+,d", "0"),
    (-0.1234, "+.4f", "−0.1234"), (0.1234, "+.4f", "+0.1234"), (-1e-5, ".3g", "−1e-05"), (-5.0, ".0f", "−5"),
    (16666.67, "+money", "+16,667"), (-18333.3, "+money", "−18,333"), (0.001, "+money", "0"),
    (1747.34, "money", "1,747"), (86.4, "money", "86.40"), (-0.001, "money", "0.00"), (-120.0, "money", "−120"),
    (-5.0, "", "−5"), (-0.0, "", "0"), (-10, "x", "−a"), (-0.001, ".0%", "0%"),
])
def test_cells_write_signs_and_money_as_the_window_does(value, spec, text):
    from advisor.report.model import format_cell

    assert format_cell(value, spec) == text


def test_no_table_cell_of_an_example_report_is_a_signed_zero(example_reports):
    import re

    from advisor.report.model import Table

    signed_zero = re.compile(r"[−+-]0(\.0+)?%?")
    cells = [table.display(row, column) for report in example_reports.values() for section in report.sections
             for table in section.blocks if isinstance(table, Table)
             for row in range(len(table.rows)) for column in range(len(table.headers))]
    assert len(cells) > 1000
    assert [cell for cell in cells if signed_zero.fullmatch(cell)] == []


def test_the_levers_table_writes_risk_per_money_as_the_window_and_the_command_line_do(example_reports):
    from types import SimpleNamespace

    from advisor.planning.levers import per_money_text
    from advisor.report.model import Table
    from advisor.units import with_minus

    compared = 0
    for report in example_reports.values():
        document = json.loads(render_json(report))
        levers = [lever for lever in document["scenarios"][0]["recommendations"] if lever["applicable"]]
        table = next(block for section in report.sections for block in section.blocks
                     if isinstance(block, Table) and block.key == "recommendations")
        column = table.headers.index(next(h for h in table.headers if h.startswith("risk lowered per")))
        assert [row[1] for row in table.rows] == [lever["title"] for lever in levers]
        for row, lever in enumerate(levers):
            if lever["achievable_per_cost"] is None:
                assert table.display(row, column) == ""
                continue
            shown = per_money_text(SimpleNamespace(**{**lever, "gain": -lever["delta_achievable"]}))
            assert table.display(row, column) == with_minus(shown)
            compared += 1
    assert compared >= 8


def test_no_pdf_page_ends_with_a_section_heading(small_report):
    # The X-ray report's "Plots" heading stood alone at the foot of a page, its first figure on the
    # next: the heading's keepWithNext did not reach a figure kept together with its caption. The
    # filler above the heading is lengthened line by line, so that some length puts the heading
    # where the figure no longer fits below it.
    import pypdf

    from advisor.report.model import Report, Section

    figure = small_report.figures()[0]
    for lines in range(30, 56):
        filler = tuple(Paragraph(f"Line {n} of the filler.") for n in range(lines))
        report = Report(title="Orphans", created="today", comparison=small_report.comparison, sections=(
            Section(key="inputs", title="Filler", blocks=filler, anchor="filler"),
            Section(key="plots", title="Plots", blocks=(figure,), anchor="plots"),
        ))
        reader = pypdf.PdfReader(io.BytesIO(render(report, "pdf")))
        for page in reader.pages:
            # Without the running header (the title) and the footer (application, date, page number).
            body = [line.strip() for line in page.extract_text().splitlines() if line.strip() and line.strip() != "Orphans"
                    and not line.strip().startswith(("Annotation Advisor", "page "))]
            assert body and body[-1] != "Plots", lines
        assert [item.title for item in reader.outline if not isinstance(item, list)] == ["Filler", "Plots"]


def test_a_curve_of_the_design_alone_is_drawn_as_markers_and_its_caption_says_why():
    # A line of one point draws nothing: the report's plots over r and T of a design whose neighbours
    # the work budget left out were empty, their x axis of width 0 ("from 3 to 3").
    from PIL import Image

    from advisor.evaluation.results import NOT_SWEPT_TEXT, Curve
    from advisor.report import figures

    alone = Curve(name="raters", x_label="raters per item r", x=(3.0,), floor=(0.05,), floor_paper=(0.04,),
                  ceiling=(0.75,), capacity_nats=(6.0,), target=0.2, current=3.0, log_x=False, achievable=(0.48,))
    figure = figures.risk_curve_figure.__wrapped__(alone, "one point")
    assert NOT_SWEPT_TEXT["long"] in figure.caption
    assert "only markers at this design" in figure.alt_text and "from 3 to 3" not in figure.alt_text
    image = Image.open(io.BytesIO(figure.png)).convert("RGB")
    width, height = image.size
    green = tuple(int(figures.GREEN[i:i + 2], 16) for i in (1, 3, 5))
    # The legend lies below the axes; above it only the achievable risk's marker is this green.
    above_legend = sum(image.getpixel((x, y)) == green for x in range(width) for y in range(int(0.55 * height)))
    assert above_legend > 20
    # Compared with another design, its ceiling is a square in its colour and the caption names it.
    swept = replace(alone, x=(2.0, 3.0, 4.0), floor=(0.1, 0.05, 0.03), floor_paper=(0.1, 0.04, 0.02),
                    ceiling=(0.8, 0.75, 0.7), capacity_nats=(5.0, 6.0, 7.0), achievable=(0.5, 0.48, 0.46))
    compared = figures.comparison_curve_figure.__wrapped__("raters", [("swept design", swept), ("slider", alone)])
    assert "Not swept for 'slider'" in compared.caption and "'swept design'" not in compared.caption
    # As in the window's Compare tab: each scenario's achievable risk (solid) and floor (dashed).
    assert "swept design: achievable risk 0.500 to 0.460, floor 0.100 to 0.030" in compared.alt_text
    assert "solid lines are achievable risks" in compared.caption
    image = Image.open(io.BytesIO(compared.png)).convert("RGB")
    second = tuple(int(figures.SERIES_COLOURS[1][i:i + 2], 16) for i in (1, 3, 5))
    assert sum(image.getpixel((x, y)) == second for x in range(image.width) for y in range(int(0.5 * image.height))) > 20


@pytest.mark.parametrize("name", ["clear findings / abnormal finding present", "tone", "x" * 70,
                                  "a very long context name that goes on / and a question name that goes on and on"])
def test_a_bar_name_in_the_capacity_chart_takes_two_lines_before_it_is_cut(name):
    # "clear findings / abnormal finding prese…": one line of 40 characters cut a name of 41.
    from advisor.report.figures import BAR_LABEL_WIDTH, wrapped

    shown = wrapped(name, BAR_LABEL_WIDTH, lines=2)
    lines = shown.split("\n")
    assert 1 <= len(lines) <= 2 and all(len(line) <= BAR_LABEL_WIDTH for line in lines)
    if len(name) <= BAR_LABEL_WIDTH or (len(name.split()) > 1 and len(name) <= 1.5 * BAR_LABEL_WIDTH):
        assert " ".join(lines) == name  # whole
    else:
        assert shown.endswith("…") and name.startswith(lines[0])
