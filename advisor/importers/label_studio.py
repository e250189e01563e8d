"""Label Studio labeling configs (XML) → questions.

Every control tag becomes one question named by its ``name`` attribute (a
ranker with buckets becomes one question per list entry). Region and span
tags (``Labels``, ``RectangleLabels``, …) are reported as unsupported: their
answer is a set of regions of any number, position and size, which has no
finite per-item alphabet in this model. The mapping, with the choices made
where Label Studio leaves room, is tabled in ``docs/importers.md``.

The XML is parsed with defusedxml and DTDs are refused outright: a labeling
config never needs one, and a ``<!DOCTYPE>`` is what "billion laughs" entity
expansion and external entities (reading local files or URLs) need. The
parser never opens a file or a connection.

Example task data, which Label Studio templates carry in a trailing
``<!-- {"data": {...}} -->`` comment, is read to count options and list
entries filled from task data (``value="$options"``); counts taken from it are
warned about, since other tasks may differ.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from advisor.errors import ImportFormatError
from advisor.files.input_limits import CONFIG_LIMITS, QUOTE_CHARS, load_json, quote
from advisor.importers.common import (
    ImportLog,
    ImportResult,
    build_result,
    free_text_format,
    multi_select_format,
    ordinal_format,
    ranking_format,
    single_choice_format,
)
from advisor.scenario.schema import DEFAULT_FREE_TEXT_CHARS, MAX_CATEGORIES, MAX_SCALE_LEVELS, Question, ResponseFormat

MAX_XML_DEPTH = 100
"""Deepest nesting of tags read; Label Studio's templates nest fewer than ten levels."""

DEFAULT_MAX_RATING = 5
"""Label Studio's ``Rating`` default ``maxRating`` (stars)."""

CHARS_PER_TEXTAREA_ROW = 80
"""Characters one visible row of a ``TextArea`` is taken to hold. ``rows``
sizes the box, it does not limit the answer; the box size is the config's only
hint at the expected length, so ``max_chars = rows × 80``."""

DEFAULT_LIST_ENTRIES = 3
"""Entries assumed in a ranked ``List`` when the config has no example task
(the Label Studio ``Ranker`` documentation's example list has three)."""

REGION_TAGS: dict[str, str] = {
    "labels": "labelled text spans",
    "hypertextlabels": "labelled HTML spans",
    "paragraphlabels": "labelled paragraphs of a dialogue",
    "timeserieslabels": "labelled time-series ranges",
    "timelinelabels": "labelled video time ranges",
    "rectanglelabels": "labelled boxes",
    "rectangle": "boxes",
    "videorectangle": "boxes in video frames",
    "polygonlabels": "labelled polygons",
    "polygon": "polygons",
    "ellipselabels": "labelled ellipses",
    "ellipse": "ellipses",
    "keypointlabels": "labelled key points",
    "keypoint": "key points",
    "brushlabels": "labelled brush masks",
    "brush": "brush masks",
    "bitmasklabels": "labelled bitmasks",
    "bitmask": "bitmasks",
    "magicwand": "magic-wand masks",
    "vectorlabels": "labelled polylines",
    "vector": "polylines",
    "relations": "relations between regions",
}
"""Region and span controls, with what their answer consists of."""

OTHER_UNSUPPORTED: dict[str, str] = {
    "datetime": "a date or time is an open-ended value with no small alphabet of answers",
}

NON_CONTROL_TAGS = frozenset(
    {
        # visual tags
        "view", "header", "style", "filter", "collapse", "panel", "markdown",
        # object tags (what is shown and labelled)
        "text", "hypertext", "image", "audio", "audioplus", "video", "paragraphs", "table",
        "timeseries", "channel", "multichannel", "list", "pdf", "chat",
        # children of controls, read by their control
        "choice", "label", "bucket", "relation", "shortcut",
    }
)

_TIE_WORDS = re.compile(
    r"\b(tie|tied|equal|equally|same|both|neither|no preference|draw|can'?t decide|cannot decide|undecided)\b",
    re.IGNORECASE,
)

_ERROR_POSITION = re.compile(r":\s*line \d+, column \d+$")


@dataclass(frozen=True)
class _Context:
    """What enclosing tags say about the controls inside them."""

    conditions: tuple[str, ...] = ()
    repeaters: tuple[str, ...] = ()


@dataclass(frozen=True)
class _TieCandidate:
    """A Choices control with a single tie option, to be folded into the Pairwise."""

    subject: str
    option: str
    line: int | None


class _CommentRecordingBuilder:
    """Tree builder target that keeps comments (with their line) and element lines."""

    def __init__(self) -> None:
        self._builder = TreeBuilder()
        self.parser: DefusedXMLParser | None = None
        self.comments: list[tuple[str, int]] = []
        self.lines: dict[int, int] = {}
        self.depth = 0
        self.max_depth = 0
        self.deepest_line = 0

    def _line(self) -> int:
        assert self.parser is not None
        return int(self.parser.parser.CurrentLineNumber)

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = self._builder.start(tag, attrs)
        self.lines[id(element)] = self._line()
        self.depth += 1
        if self.depth > self.max_depth:
            self.max_depth, self.deepest_line = self.depth, self.lines[id(element)]
        return element

    def end(self, tag: str) -> Element:
        self.depth -= 1
        return self._builder.end(tag)

    def data(self, data: str) -> None:
        self._builder.data(data)

    def comment(self, text: str) -> None:
        self.comments.append((text, self._line()))

    def close(self) -> Element:
        return self._builder.close()


def parse_labeling_config(text: str, source: str = "<text>") -> tuple[Element, dict[int, int], list[tuple[str, int]]]:
    """Parse Label Studio XML safely.

    Returns
    -------
    root, lines, comments
        The root element, the line of each element (keyed by ``id(element)``)
        and every comment with its line, including those after the root.

    Raises
    ------
    ImportFormatError
        For a DTD, an entity declaration or an external reference (refused
        before anything is expanded or fetched), and for malformed XML; the
        message names the line and column.
    """
    builder = _CommentRecordingBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(text)
        root = parser.close()
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as error:
        expat = parser.parser
        where = f"line {expat.CurrentLineNumber}, column {expat.CurrentColumnNumber + 1}"
        raise ImportFormatError(
            f"{source}: {where}: refused a {_hostile_construct(error)}. Labeling configs never need a "
            f"<!DOCTYPE>; it is how XML bombs ('billion laughs' entity expansion) and external entities "
            f"(reading local files or URLs) get in, so none is processed. Remove the <!DOCTYPE ...> declaration"
        ) from None
    except ParseError as error:
        line, column = error.position
        reason = _ERROR_POSITION.sub("", str(error))
        raise ImportFormatError(f"{source}: malformed XML at line {line}, column {column + 1}: {reason}") from None
    if builder.max_depth > MAX_XML_DEPTH:
        # The reader walks the tree recursively; a bound far above real configs keeps it off the stack limit.
        raise ImportFormatError(
            f"{source}: line {builder.deepest_line}: tags are nested {builder.max_depth:,} levels deep; a labeling "
            f"config may nest at most {MAX_XML_DEPTH} levels"
        )
    return root, builder.lines, builder.comments


def _name_text(name: object) -> str:
    """A declared name as written, cut as :func:`quote` cuts values (a name can be any length)."""
    text = str(name)
    return text if len(text) <= QUOTE_CHARS else quote(text)


def _hostile_construct(error: Exception) -> str:
    if isinstance(error, DTDForbidden):
        system_id = f" pointing at {quote(error.sysid)}" if error.sysid else ""
        return f"document type declaration (DTD) <!DOCTYPE {_name_text(error.name)}>{system_id}"
    if isinstance(error, EntitiesForbidden):
        return f"entity declaration <!ENTITY {_name_text(error.name)}>"
    return "reference to an external resource"


def example_task_data(comments: list[tuple[str, int]]) -> dict[str, Any] | None:
    """The ``data`` of the first ``<!-- {"data": {...}} -->`` comment, if any."""
    for text, _line in comments:
        stripped = text.strip()
        if not stripped.startswith("{"):
            continue
        try:
            parsed = load_json(stripped, source="", limits=CONFIG_LIMITS)
        except ImportFormatError:
            continue  # not example data (or beyond the limits): the comment is ignored
        if isinstance(parsed, dict) and isinstance(parsed.get("data"), dict):
            return parsed["data"]
    return None


def import_label_studio(text: str, *, source: str = "<text>", name: str | None = None) -> ImportResult:
    """Build a scenario from a Label Studio labeling config.

    Parameters
    ----------
    text
        The XML of the config.
    source
        Where it came from, for messages.
    name
        Scenario name; default ``"Label Studio interface"``.

    Raises
    ------
    ImportFormatError
        See :func:`parse_labeling_config`; also for a root other than
        ``<View>``, an attribute value Label Studio would reject, and a config
        with no supported question (the message lists what was found).
    """
    reader = _LabelStudioReader(text, source)
    questions = reader.read()
    reader.log.warn(
        "raters.per_item",
        "how many annotators label each task (overlap) is a Label Studio project setting, not part of the "
        "labeling config; the default 3 is kept",
        kind="default",
    )
    return build_result(
        format="label-studio",
        source=source,
        name=name or "Label Studio interface",
        questions=questions,
        log=reader.log,
        notes=f"Imported from a Label Studio labeling config ({source}).",
    )


class _LabelStudioReader:
    """Walks one parsed config, mapping controls to questions."""

    def __init__(self, text: str, source: str):
        self.source = source
        self.root, self._lines, comments = parse_labeling_config(text, source)
        self.example = example_task_data(comments)
        self.log = ImportLog()
        self.questions: list[Question] = []
        self._pairwise: list[tuple[Question, str, int | None]] = []
        self._pairwise_count = sum(
            1 for element in self.root.iter() if isinstance(element.tag, str) and element.tag.lower() == "pairwise"
        )
        self._lone_tie: _TieCandidate | None = None
        self._by_name = {
            element.get("name"): element for element in self.root.iter() if element.get("name") is not None
        }
        self._handlers: dict[str, Callable[[Element, dict[str, str], str, str, int | None], list[Question]]] = {
            "choices": self._choices,
            "taxonomy": self._taxonomy,
            "rating": self._rating,
            "number": self._number,
            "pairwise": self._pairwise_control,
            "ranker": self._ranker,
            "textarea": self._textarea,
        }

    # ----------------------------------------------------------- walking
    def read(self) -> list[Question]:
        if self.root.tag.lower() != "view":
            raise ImportFormatError(
                f"{self.source}: not a Label Studio labeling config: the root tag must be <View>, got <{self.root.tag}>"
            )
        self._walk(self.root, _Context())
        self._merge_lone_tie()
        return self.questions

    def _walk(self, element: Element, context: _Context) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            self._visit(child, context)

    def _visit(self, element: Element, context: _Context) -> None:
        tag = element.tag.lower()
        attrs = {key.lower(): value for key, value in element.attrib.items()}
        line = self._lines.get(id(element))
        if tag in self._handlers or tag in REGION_TAGS or tag in OTHER_UNSUPPORTED:
            name = attrs.get("name", "").strip()
            if not name:
                name = f"{element.tag.lower()}_line{line}"
                self.log.warn(f"<{element.tag}>", f"has no name attribute; called '{name}'", kind="default", line=line)
            subject = f"{element.tag} '{name}'"
            if tag in REGION_TAGS:
                self.log.unsupported(
                    subject,
                    f"span/region annotation ({REGION_TAGS[tag]}) has no finite per-item alphabet in this model: "
                    f"the answer is any number of regions of any position and size",
                    line=line,
                )
                return
            if tag in OTHER_UNSUPPORTED:
                self.log.unsupported(subject, OTHER_UNSUPPORTED[tag], line=line)
                return
            mapped = self._handlers[tag](element, attrs, name, subject, line)
            for question in mapped:
                self.log.mapped(f"{element.tag} '{question.name}'", question.format, line=line)
            if mapped:
                self._note_conditions(element, attrs, subject, context, line)
            self.questions.extend(mapped)
            return
        if tag == "repeater":
            on = attrs.get("on", "")
            context = _Context(context.conditions, context.repeaters + (on,))
        elif tag not in NON_CONTROL_TAGS and "toname" in attrs:
            self.log.warn(
                f"<{element.tag}>",
                "looks like a control (it has toName) but is not one this importer knows; skipped",
                kind="ignored",
                line=line,
            )
        condition = self._visibility(element)
        if condition:
            context = _Context(context.conditions + (f"<{element.tag}> {condition}",), context.repeaters)
        self._walk(element, context)

    @staticmethod
    def _visibility(element: Element) -> str:
        """``visibleWhen`` and its ``when*`` qualifiers as written, or ``""``."""
        pairs = [
            f'{key}="{value}"'
            for key, value in element.attrib.items()
            if key.lower() == "visiblewhen" or (key.lower().startswith("when") and key.lower() != "when")
        ]
        return " ".join(pairs) if any(key.lower() == "visiblewhen" for key in element.attrib) else ""

    def _note_conditions(
        self, element: Element, attrs: dict[str, str], subject: str, context: _Context, line: int | None
    ) -> None:
        conditions = list(context.conditions)
        own = self._visibility(element)
        if own:
            conditions.append(own)
        if conditions:
            self.log.warn(
                subject,
                "shown only when " + " and ".join(conditions) + "; raters spend its time share only on items "
                "where it is visible, the model spends it on every item",
                line=line,
            )
        targets = attrs.get("toname", "the object")
        if _true(attrs.get("perregion")):
            self.log.warn(
                subject,
                f"perRegion: answered once per selected region of '{targets}' (a message, a box, a span), not "
                f"once per item; the number of regions per item is not in the config, so the model counts one "
                f"answer per item",
                line=line,
            )
        if _true(attrs.get("peritem")):
            self.log.warn(
                subject,
                f"perItem: answered once per item inside '{targets}', not once per task; the model counts one answer",
                line=line,
            )
        for field_name in context.repeaters:
            self.log.warn(
                subject,
                f"inside a <Repeater on=\"{field_name}\">: repeated once per element of that task field; the "
                f"model counts one answer per item",
                line=line,
            )

    # ----------------------------------------------------------- helpers
    def _int_attr(self, attrs: dict[str, str], key: str, subject: str, line: int | None, *, display: str) -> int | None:
        raw = attrs.get(key)
        if raw is None or raw.strip() == "":
            return None
        text = raw.strip()
        # More digits than any count of options or rows can have; int() of thousands is slow or refused.
        if len(text.lstrip("+-")) <= 9:
            try:
                return int(text)
            except ValueError:
                pass
        raise ImportFormatError(
            f"{self.source}: line {line}: {subject}: {display}={_shown(raw)} must be a whole number below 1,000,000,000"
        )

    def _float_attr(self, attrs: dict[str, str], key: str, subject: str, line: int | None, *, display: str) -> float | None:
        raw = attrs.get(key)
        if raw is None or raw.strip() == "":
            return None
        try:
            value = float(raw.strip())
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ImportFormatError(f"{self.source}: line {line}: {subject}: {display}={_shown(raw)} must be a finite number")
        return value

    def _from_task_data(self, value: str, subject: str, line: int | None, noun: str) -> int | None:
        """Count of a list filled from task data (``"$field"``), from the example task; warned."""
        field_name = value[1:]
        entries = self.example.get(field_name) if self.example is not None else None
        if isinstance(entries, list):
            self.log.warn(
                subject,
                f"its {noun} come from the task data field '{field_name}'; the config's example task has "
                f"{len(entries)}, which is used — tasks with a different number are modelled wrongly",
                line=line,
            )
            return len(entries)
        return None

    @staticmethod
    def _choice_tree(element: Element) -> tuple[list[Element], bool]:
        """Leaf ``Choice`` elements under a control, and whether any Choice is nested in another."""
        choices = [node for node in element.iter() if isinstance(node.tag, str) and node.tag.lower() == "choice"]
        leaves = [
            node for node in choices
            if not any(isinstance(child.tag, str) and child.tag.lower() == "choice" for child in node.iter() if child is not node)
        ]
        return leaves, len(leaves) != len(choices)

    def _warn_preselected(self, leaves: list[Element], subject: str, line: int | None) -> None:
        preselected = [leaf.get("value", "") for leaf in leaves if _true(_attr(leaf, "selected"))]
        if preselected:
            self.log.warn(
                subject,
                f"option(s) {', '.join(repr(v) for v in preselected)} are preselected; answers lean toward a "
                f"preselected option, which the model does not represent",
                line=line,
            )

    # ----------------------------------------------------------- controls
    def _choices(self, element: Element, attrs: dict[str, str], name: str, subject: str, line: int | None) -> list[Question]:
        mode = attrs.get("choice", "single").strip().lower()
        if mode not in ("single", "single-radio", "multiple"):
            raise ImportFormatError(
                f"{self.source}: line {line}: {subject}: choice={_shown(attrs.get('choice', ''))} is not one of "
                f"single, single-radio, multiple"
            )
        dynamic = attrs.get("value", "").strip()
        leaves, nested = self._choice_tree(element)
        options_text = [leaf.get("value", "") for leaf in leaves]
        if dynamic.startswith("$"):
            count = self._from_task_data(dynamic, subject, line, "options")
            if count is None:
                self.log.unsupported(
                    subject,
                    f"its options come from the task data field '{dynamic[1:]}' and the config has no example task "
                    f"listing them, so their number is unknown; add the question by hand",
                    line=line,
                )
                return []
            options_text = []
        else:
            count = len(leaves)
            if nested:
                self.log.warn(
                    subject,
                    "has nested choices; the leaves are counted as the options (picking a parent is a coarser answer)",
                    line=line,
                )
            self._warn_preselected(leaves, subject, line)
        tie_like = bool(options_text) and any(_TIE_WORDS.search(option) for option in options_text)
        if tie_like and len(options_text) == 1 and self._pairwise_count == 1:
            # A lone "Tie" checkbox beside the only Pairwise: folded into it
            # once the walk is done (see _merge_lone_tie).
            self._lone_tie = _TieCandidate(subject, options_text[0], line)
            self.log.found.append(f"{subject} (line {line}): tie option of the Pairwise control")
            return []
        if mode == "multiple":
            fmt = multi_select_format(count, subject, self.log, line=line)
        else:
            fmt = single_choice_format(count, subject, self.log, line=line)
        if fmt is None:
            return []
        if tie_like and self._pairwise_count:
            self.log.warn(
                subject,
                "has a tie-like option beside a Pairwise control; kept as its own question. If raters answer "
                "either the pairwise or this, replace both by one pairwise question with k = 3",
                line=line,
            )
        return [Question(name=name, format=fmt)]

    def _taxonomy(self, element: Element, attrs: dict[str, str], name: str, subject: str, line: int | None) -> list[Question]:
        if attrs.get("apiurl"):
            self.log.unsupported(
                subject,
                "its taxonomy is fetched from apiUrl when labeling, so its leaves cannot be counted offline; "
                "add it by hand as categorical over the number of leaves",
                line=line,
            )
            return []
        leaves, _nested = self._choice_tree(element)
        if not _true(attrs.get("leafsonly")):
            self.log.warn(
                subject,
                "leafsOnly is not set, so raters may also pick inner nodes; those are coarser answers, and the "
                "model counts the leaves only",
                line=line,
            )
        if attrs.get("maxusages", "").strip() != "1":
            self.log.warn(
                subject,
                "a Taxonomy lets a rater tick several nodes unless maxUsages=\"1\"; modelled as one choice among "
                "the leaves",
                line=line,
            )
        self._warn_preselected(leaves, subject, line)
        fmt = single_choice_format(len(leaves), subject, self.log, line=line)
        return [] if fmt is None else [Question(name=name, format=fmt)]

    def _rating(self, element: Element, attrs: dict[str, str], name: str, subject: str, line: int | None) -> list[Question]:
        levels = self._int_attr(attrs, "maxrating", subject, line, display="maxRating")
        if levels is None:
            levels = DEFAULT_MAX_RATING
            self.log.warn(
                subject,
                f"maxRating is not set; Label Studio's default of {DEFAULT_MAX_RATING} stars is used",
                kind="default",
                line=line,
            )
        default_value = self._float_attr(attrs, "defaultvalue", subject, line, display="defaultValue")
        if default_value:
            self.log.warn(
                subject,
                f"defaultValue={default_value:g} preselects a rating; answers lean toward it, which the model does "
                f"not represent",
                line=line,
            )
        fmt = ordinal_format(levels, subject, self.log, line=line)
        return [] if fmt is None else [Question(name=name, format=fmt)]

    def _number(self, element: Element, attrs: dict[str, str], name: str, subject: str, line: int | None) -> list[Question]:
        low = self._float_attr(attrs, "min", subject, line, display="min")
        high = self._float_attr(attrs, "max", subject, line, display="max")
        step = self._float_attr(attrs, "step", subject, line, display="step") or 1.0
        if step <= 0:
            raise ImportFormatError(f"{self.source}: line {line}: {subject}: step must be positive, got {step:g}")
        if low is None or high is None:
            self.log.unsupported(
                subject,
                "without both min and max a number is open-ended, with no finite alphabet of answers",
                line=line,
            )
            return []
        # (high - low) / step overflows to infinity for max="1e308" or step="1e-320"; it is
        # compared as a float before it is made an integer.
        steps = (high - low) / step
        if not math.isfinite(steps) or abs(steps) > 1e6:
            count = "more than a million" if steps > 0 else "no"
            self.log.unsupported(
                subject,
                f"from {low:g} to {high:g} in steps of {step:g} gives {count} values; only 2 to {MAX_SCALE_LEVELS} "
                f"values can be modelled as a scale",
                line=line,
            )
            return []
        levels = math.floor(steps + 1e-9) + 1
        if levels < 2 or levels > MAX_SCALE_LEVELS:
            self.log.unsupported(
                subject,
                f"from {low:g} to {high:g} in steps of {step:g} gives {levels} values; only 2 to {MAX_SCALE_LEVELS} "
                f"values can be modelled as a scale",
                line=line,
            )
            return []
        self.log.warn(
            subject,
            f"a number from {low:g} to {high:g} in steps of {step:g} is modelled as "
            f"{'an ordinal scale' if levels <= MAX_CATEGORIES else 'a scale'} with {levels} levels",
            line=line,
        )
        default_value = attrs.get("defaultvalue")
        if default_value:
            self.log.warn(
                subject,
                f"defaultValue={default_value} prefills an answer; answers lean toward it, which the model does not "
                f"represent",
                line=line,
            )
        if levels > MAX_CATEGORIES:
            # Beyond the ordinal formats' levels, the declared range itself: a scale (the same
            # Thurstonian channel; the top is the last value the step reaches).
            fmt = ResponseFormat(kind="scale", minimum=low, maximum=low + (levels - 1) * step, step=step)
            return [Question(name=name, format=fmt)]
        return [Question(name=name, format=ResponseFormat(kind="ordinal", k=levels))]

    def _pairwise_control(self, element: Element, attrs: dict[str, str], name: str, subject: str, line: int | None) -> list[Question]:
        question = Question(name=name, format=ResponseFormat(kind="pairwise", k=2))
        self._pairwise.append((question, subject, line))
        return [question]

    def _ranker(self, element: Element, attrs: dict[str, str], name: str, subject: str, line: int | None) -> list[Question]:
        entries = self._list_entries(attrs, subject, line)
        buckets = [child for child in element if isinstance(child.tag, str) and child.tag.lower() == "bucket"]
        if not buckets:
            fmt = ranking_format(entries, subject, self.log, line=line)
            return [] if fmt is None else [Question(name=name, format=fmt)]
        # Without a default bucket, an entry can also stay in the original
        # list, and "not sorted into any bucket" is an answer of its own.
        has_default = any(_true(_attr(bucket, "default")) for bucket in buckets)
        places = len(buckets) if has_default else len(buckets) + 1
        where = f"{len(buckets)} buckets" + ("" if has_default else " or left in the list")
        self.log.warn(
            subject,
            f"a ranker with buckets: each of the {entries} list entries is placed in one of {where}, so it becomes "
            f"one question per entry with {places} alternatives; the order inside a bucket is recorded too and "
            f"is not modelled",
            line=line,
        )
        fmt = single_choice_format(places, subject, self.log, line=line)
        if fmt is None:
            return []
        return [Question(name=f"{name}[{index}]", format=fmt) for index in range(1, entries + 1)]

    def _list_entries(self, attrs: dict[str, str], subject: str, line: int | None) -> int:
        target_name = attrs.get("toname", "").split(",")[0].strip()
        target = self._by_name.get(target_name)
        value = (_attr(target, "value") or "").strip() if target is not None else ""
        if value.startswith("$"):
            count = self._from_task_data(value, subject, line, "list entries")
            if count is not None:
                return count
        self.log.warn(
            subject,
            f"the number of entries of the list '{target_name}' is not in the config (no example task lists them); "
            f"{DEFAULT_LIST_ENTRIES} is assumed — set it to your list length",
            kind="default",
            line=line,
        )
        return DEFAULT_LIST_ENTRIES

    def _textarea(self, element: Element, attrs: dict[str, str], name: str, subject: str, line: int | None) -> list[Question]:
        rows = self._int_attr(attrs, "rows", subject, line, display="rows")
        submissions = self._int_attr(attrs, "maxsubmissions", subject, line, display="maxSubmissions")
        if rows is not None and rows > 0:
            max_chars = rows * CHARS_PER_TEXTAREA_ROW
            self.log.warn(
                subject,
                f"Label Studio sets no length limit; max_chars = rows × {CHARS_PER_TEXTAREA_ROW} = {max_chars}, from "
                f"the size of the box",
                kind="default",
                line=line,
            )
        else:
            max_chars = DEFAULT_FREE_TEXT_CHARS
            self.log.warn(
                subject,
                f"Label Studio sets no length limit and the box size (rows) is not given; max_chars = "
                f"{DEFAULT_FREE_TEXT_CHARS} is assumed",
                kind="default",
                line=line,
            )
        if submissions is not None and submissions > 1:
            max_chars *= submissions
            self.log.warn(
                subject,
                f"maxSubmissions={submissions} lets a rater submit {submissions} texts; max_chars covers all of them",
                line=line,
            )
        if attrs.get("value"):
            self.log.warn(
                subject,
                "value prefills the text box, so raters edit a given text rather than write one; the model treats "
                "it as writing",
                line=line,
            )
        return [Question(name=name, format=free_text_format(max_chars))]

    # ----------------------------------------------------------- ties
    def _merge_lone_tie(self) -> None:
        """Fold a lone tie option beside the only Pairwise into pairwise(3).

        Label Studio's Pairwise offers two answers; templates that allow a tie
        add a Choices control with one option such as "Tie". A rater then
        makes one three-way judgment (A, B or tie): pairwise with k = 3, not
        two independent questions. A Choices with several options, or a
        config with several Pairwise controls, is left as it is (warned).
        """
        if self._lone_tie is None or not self._pairwise:
            return
        pairwise, pairwise_subject, pairwise_line = self._pairwise[0]
        merged = pairwise.model_copy(update={"format": ResponseFormat(kind="pairwise", k=3)})
        self.questions[self.questions.index(pairwise)] = merged
        tie = self._lone_tie
        self.log.warn(
            pairwise_subject,
            f"merged with {tie.subject} (option {tie.option!r}) into one pairwise question with a tie: pairwise(3)",
            line=pairwise_line,
        )
        self.log.warn(tie.subject, f"a lone tie option beside {pairwise_subject}; folded into that question", line=tie.line)


def _attr(element: Element | None, key: str) -> str | None:
    """An attribute read case-insensitively, as Label Studio does."""
    if element is None:
        return None
    for name, value in element.attrib.items():
        if name.lower() == key:
            return value
    return None


def _shown(raw: str) -> str:
    """An attribute value as written (``"ten"``), or cut short with its length when it is long."""
    return f'"{raw}"' if len(raw) <= QUOTE_CHARS else quote(raw)


def _true(value: str | None) -> bool:
    return value is not None and value.strip().lower() == "true"
