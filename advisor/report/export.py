"""Write a report to a file and record the export in the protocol.

:func:`export_report` builds a report, renders it in the chosen format, writes
it atomically (a temporary file in the same folder, flushed to disk, then
renamed over the target: a crash or a full disk never leaves half a report),
computes the SHA-256 of the bytes written and, when a store is given, records
a protocol entry (what, when, where, hash) with
:meth:`advisor.storage.store.ScenarioStore.record_export`.

Markdown cannot embed images portably, so a Markdown export also writes its
figures as PNG files into a folder beside it (``report_figures/`` for
``report.md``) and links them relatively; the recorded hash is that of the
Markdown file, and the figure files are listed in the entry's detail.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import AdvisorError
from advisor.files.output_paths import check_output_path, write_output_atomically
from advisor.progress import ProgressCallback
from advisor.report.build import application_version, build_report
from advisor.report.model import FORMATS, Report
from advisor.report.render_csv import render_csv
from advisor.report.render_html import render_html
from advisor.report.render_json import render_json
from advisor.report.render_md import render_markdown
from advisor.report.render_pdf import render_pdf
from advisor.scenario.schema import Scenario


_ALIASES = {"markdown": "md", "htm": "html"}
EXPORT_WHAT = "report"


@dataclass(frozen=True)
class ExportRecordInfo:
    """What an export wrote and where it was recorded.

    Attributes
    ----------
    path
        The file written (absolute).
    fmt
        Its format, one of :data:`FORMATS`.
    sha256
        SHA-256 of the file's bytes, 64 hex digits.
    size_bytes
        The file's size.
    created
        The report's time stamp (ISO 8601, UTC).
    scenario_names
        The scenarios the report covers, in order.
    sections
        The section keys it contains.
    record_id
        The protocol entry's id, or None when no store was given.
    extra_files
        Files written beside it (the figures of a Markdown export).
    """

    path: Path
    fmt: str
    sha256: str
    size_bytes: int
    created: str
    scenario_names: tuple[str, ...]
    sections: tuple[str, ...]
    record_id: int | None
    extra_files: tuple[Path, ...] = ()


def normalise_format(fmt: str) -> str:
    """The canonical format name (``"Markdown"`` → ``"md"``).

    Raises
    ------
    ValueError
        For a format that is not one of :data:`FORMATS`.
    """
    name = str(fmt).strip().lower().lstrip(".")
    name = _ALIASES.get(name, name)
    if name not in FORMATS:
        raise ValueError(f"format: {fmt!r} is not a report format; choose from {', '.join(FORMATS)}")
    return name


def format_from_path(path: str | Path) -> str | None:
    """The format a file name suggests by its suffix, or None."""
    suffix = Path(path).suffix.lower().lstrip(".")
    try:
        return normalise_format(suffix) if suffix else None
    except ValueError:
        return None


def render(report: Report, fmt: str, *, figure_links: Mapping[int, str] | None = None) -> bytes:
    """The report rendered in one format, as the bytes to write.

    Parameters
    ----------
    report
        A built report.
    fmt
        One of :data:`FORMATS`.
    figure_links
        Markdown only: where each figure's PNG is (see
        :func:`advisor.report.render_md.render_markdown`).
    """
    fmt = normalise_format(fmt)
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "html":
        text = render_html(report)
    elif fmt == "md":
        text = render_markdown(report, figure_links=figure_links)
    elif fmt == "json":
        text = render_json(report)
    else:
        text = render_csv(report)
    return text.encode("utf-8")


def write_atomically(path: Path, data: bytes, *, database_path: Path | None = None) -> None:
    """Replace ``path`` with ``data`` so that readers see the old file or the new one, never a part.

    See :func:`advisor.files.output_paths.write_output_atomically`, which this calls.

    Raises
    ------
    AdvisorError
        When the folder is missing, the path is the open database (or one of
        its sidecars or backups) or not a regular file, or the file cannot be
        written (the message names the path and the reason); the old file is
        left untouched.
    """
    write_output_atomically(path, data, database_path=database_path)


def _figure_file_name(index: int, title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50] or "figure"
    return f"figure-{index + 1:02d}-{slug}.png"


def _write_markdown_figures(report: Report, path: Path, database_path: Path | None) -> tuple[dict[int, str], list[Path]]:
    figures = report.figures()
    if not figures:
        return {}, []
    folder = path.with_name(f"{path.stem}_figures")
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise AdvisorError(f"{folder}: the figures folder of {path.name} exists and is not a folder; move it away")
    folder.mkdir(exist_ok=True)
    # Figures of an earlier export of the same file would otherwise linger
    # beside the new ones; only our own file names are removed.
    for stale in folder.glob("figure-*.png"):
        stale.unlink()
    links: dict[int, str] = {}
    written: list[Path] = []
    for index, figure in enumerate(figures):
        name = _figure_file_name(index, figure.title)
        write_atomically(folder / name, figure.png, database_path=database_path)
        links[index] = f"{folder.name}/{name}"
        written.append(folder / name)
    return links, written


def write_report(report: Report, fmt: str, path: str | Path, *, store: Any = None,
                 detail: Mapping[str, Any] | None = None) -> ExportRecordInfo:
    """Render a built report, write it atomically and record the export.

    Parameters
    ----------
    report
        A built report (:func:`advisor.report.build.build_report`).
    fmt
        One of :data:`FORMATS`.
    path
        The file to write; its folder must exist. An existing file is replaced.
    store
        A :class:`advisor.storage.store.ScenarioStore` to record a protocol entry in,
        or None.
    detail
        Extra JSON data for the protocol entry (e.g. where each scenario was
        loaded from).

    Returns
    -------
    ExportRecordInfo
    """
    fmt = normalise_format(fmt)
    database_path = getattr(store, "database_path", None) if store is not None else None
    # Refused before anything is rendered or written (the Markdown figures included).
    target = check_output_path(path, database_path=database_path)
    links: dict[int, str] = {}
    extra: list[Path] = []
    if fmt == "md":
        links, extra = _write_markdown_figures(report, target, database_path)
    data = render(report, fmt, figure_links=links)
    write_atomically(target, data, database_path=database_path)
    digest = hashlib.sha256(data).hexdigest()
    scenario_names = tuple(entry["name"] for entry in report.data.get("scenarios", ()))
    protocol = report.data.get("protocol", {})
    sections = tuple(protocol.get("sections", ()))
    record_id = None
    if store is not None:
        entry_detail: dict[str, Any] = {
            "title": report.title,
            "created": report.created,
            "size_bytes": len(data),
            "sections": list(sections),
            "unit": protocol.get("unit"),
            "optimizer": protocol.get("optimizer"),
            "application_version": protocol.get("application_version", application_version()),
            "scenario_schema_version": protocol.get("scenario_schema_version"),
            "content_sha256": {s["name"]: s["content_sha256"] for s in protocol.get("scenarios", ())},
        }
        if extra:
            entry_detail["figure_files"] = [str(p) for p in extra]
        entry_detail.update(dict(detail or {}))
        record_id = store.record_export(what=EXPORT_WHAT, scenario_names=list(scenario_names), fmt=fmt,
                                        path=str(target), sha256=digest, detail=entry_detail)
    return ExportRecordInfo(
        path=target, fmt=fmt, sha256=digest, size_bytes=len(data), created=report.created,
        scenario_names=scenario_names, sections=sections, record_id=record_id, extra_files=tuple(extra),
    )


def export_report(scenarios: Sequence[Scenario], fmt: str, path: str | Path, *, store: Any = None,
                  sections: Iterable[str] | None = None, include_optimizer: bool = True,
                  progress: ProgressCallback | None = None, unit: str = "bits",
                  detail: Mapping[str, Any] | None = None) -> ExportRecordInfo:
    """Build, render, write and record a report in one call.

    Parameters
    ----------
    scenarios
        One scenario, or several to compare.
    fmt
        ``"html"``, ``"pdf"``, ``"md"``, ``"json"`` or ``"csv"``.
    path
        The file to write (its folder must exist).
    store
        Where to record the protocol entry, or None.
    sections, include_optimizer, progress, unit
        As for :func:`advisor.report.build.build_report`.
    detail
        Extra JSON data for the protocol entry.

    Returns
    -------
    ExportRecordInfo
        Path, format, SHA-256 and the protocol entry's id.
    """
    fmt = normalise_format(fmt)
    report = build_report(scenarios, sections=sections, include_optimizer=include_optimizer, progress=progress,
                          unit=unit)
    return write_report(report, fmt, path, store=store, detail=detail)
