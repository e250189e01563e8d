"""Hostile and malformed XML: refused with a clear message, without file or network access.

File and network access is watched with an audit hook (PEP 578): every
``open`` and ``socket.connect`` event while the importer runs is recorded. A
config passed as text needs neither, so any event is the parser following a
reference it should have refused.
"""

from __future__ import annotations

import socket
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

import advisor.importers.label_studio  # noqa: F401  (imported now, so that no module file is opened under watch)
from advisor.errors import ImportFormatError
from advisor.importers import import_interface

SHARED_LABEL_STUDIO = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "interfaces" / "label-studio"

_recorded_events: list[tuple[str, tuple]] | None = None


def _audit(event: str, args: tuple) -> None:
    if _recorded_events is not None and event in ("open", "socket.connect", "urllib.Request", "os.system", "subprocess.Popen"):
        _recorded_events.append((event, args))


sys.addaudithook(_audit)  # hooks cannot be removed; this one records only inside _watching()


def _data_files_opened(events: list[tuple[str, tuple]]) -> set[str]:
    """Files opened, leaving out Python modules and codecs loaded lazily by the interpreter."""
    opened = {str(args[0]) for event, args in events if event == "open"}
    return {path for path in opened if not path.endswith((".py", ".pyc", ".so"))}


@contextmanager
def _watching():
    global _recorded_events
    events: list[tuple[str, tuple]] = []
    _recorded_events = events
    try:
        yield events
    finally:
        _recorded_events = None


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE View [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<View>
  <Text name="text" value="&lol9;"/>
  <Choices name="c" toName="text"><Choice value="a"/><Choice value="b"/></Choices>
</View>
"""


def test_billion_laughs_is_refused_quickly_with_a_clear_message():
    # Refused before any entity is expanded: the expansion would take about a gigabyte, and the
    # refusal takes a few (measured in memory, not seconds: the machine's speed varies by the hour).
    import tracemalloc

    tracemalloc.start()
    try:
        with _watching() as events, pytest.raises(ImportFormatError) as caught:
            import_interface(BILLION_LAUGHS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20
    message = str(caught.value)
    assert "line 2" in message
    assert "DOCTYPE" in message and "billion laughs" in message
    assert "lol" * 20 not in message
    assert _data_files_opened(events) == set()
    assert [event for event, _ in events if event != "open"] == []


def test_external_entity_never_reads_the_file(tmp_path):
    secret = f"TOP-SECRET-{uuid.uuid4().hex}"
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(secret, encoding="utf-8")
    config = (
        f'<!DOCTYPE View [<!ENTITY leak SYSTEM "{secret_file.as_uri()}">]>\n'
        "<View>\n"
        '  <Text name="text" value="$text"/>\n'
        '  <Choices name="c" toName="text"><Choice value="&leak;"/><Choice value="b"/></Choices>\n'
        "</View>\n"
    )
    with _watching() as events, pytest.raises(ImportFormatError) as caught:
        import_interface(config)
    assert secret not in str(caught.value)
    assert "external entities" in str(caught.value)
    assert _data_files_opened(events) == set()


def test_external_entity_in_a_file_is_refused_and_only_the_config_is_opened(tmp_path):
    secret = f"TOP-SECRET-{uuid.uuid4().hex}"
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(secret, encoding="utf-8")
    config_file = tmp_path / "hostile.xml"
    config_file.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE View [<!ENTITY leak SYSTEM "{secret_file}">]>\n'
        '<View><Text name="t" value="&leak;"/><Rating name="r" toName="t"/></View>\n',
        encoding="utf-8",
    )
    with _watching() as events, pytest.raises(ImportFormatError) as caught:
        import_interface(config_file)
    assert secret not in str(caught.value)
    assert str(config_file) in str(caught.value)
    assert _data_files_opened(events) == {str(config_file)}


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE View SYSTEM "http://127.0.0.1:{port}/labeling.dtd">',
        '<!DOCTYPE View [<!ENTITY remote SYSTEM "http://127.0.0.1:{port}/payload">]>',
        '<!DOCTYPE View [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/payload.dtd"> %remote;]>',
    ],
)
def test_external_references_make_no_network_connection(doctype):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    try:
        config = doctype.format(port=port) + '\n<View><Text name="t" value="$t"/><Rating name="r" toName="t"/></View>'
        with _watching() as events, pytest.raises(ImportFormatError, match="DOCTYPE"):
            import_interface(config)
        assert [event for event, _ in events if event in ("socket.connect", "urllib.Request")] == []
        with pytest.raises(BlockingIOError):
            listener.accept()
    finally:
        listener.close()


def test_entity_reference_without_a_dtd_is_malformed_at_its_position():
    config = '<View>\n  <Text name="t" value="$t"/>\n  <Header value="&passwd;"/>\n</View>'
    with pytest.raises(ImportFormatError, match=r"malformed XML at line 3, column 3: undefined entity"):
        import_interface(config)


# ------------------------------------------------------------- malformed
def _position(text: str, marker: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of ``marker``."""
    offset = text.index(marker)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def test_malformed_shared_file_is_reported_at_the_fault(tmp_path):
    original = (SHARED_LABEL_STUDIO / "text-classification.xml").read_text(encoding="utf-8")
    broken = original.replace('<Choice value="Negative"/>', '<Choice value="Negative" & />', 1)
    assert broken != original
    path = tmp_path / "broken.xml"
    path.write_text(broken, encoding="utf-8")
    line, column = _position(broken, "& />")
    with pytest.raises(ImportFormatError) as caught:
        import_interface(path)
    assert f"malformed XML at line {line}, column {column}" in str(caught.value)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("config", "marker"),
    [
        ('<View>\n  <Text name="t" value="$t"/>\n  <Rating name="r" toName="t" maxRating=5/>\n</View>', "5/>"),
        ('<View>\n  <Text name="t" value="a < b"/>\n</View>', "< b"),
    ],
)
def test_malformed_markup_names_line_and_column(config, marker):
    line, column = _position(config, marker)
    with pytest.raises(ImportFormatError, match=rf"line {line}, column {column}: not well-formed"):
        import_interface(config)


def test_mismatched_tag_names_its_line():
    config = '<View>\n  <Choices name="c" toName="t">\n    <Choice value="x">\n  </Choices>\n</View>'
    with pytest.raises(ImportFormatError, match=r"line 4, column \d+: mismatched tag"):
        import_interface(config)


def test_truncated_file_names_the_end():
    with pytest.raises(ImportFormatError, match=r"line 3, column 1: no element found"):
        import_interface('<View>\n  <Text name="t" value="$t"/>\n')


@pytest.mark.parametrize("doctype,what", [
    ('<!DOCTYPE {name} SYSTEM "http://example.org/{name}.dtd">', "DOCTYPE"),
    ('<!DOCTYPE View SYSTEM "http://example.org/{name}.dtd">', "DOCTYPE"),
])
def test_a_declared_name_or_system_id_of_thousands_of_characters_is_cut(doctype, what):
    """The refusal names the declaration, each name and address cut to a short quote with its
    length (a 20,000-character name made a 20,156-character message)."""
    name = "n" * 20_000
    config = doctype.format(name=name) + '\n<View><Text name="t" value="$t"/><Rating name="r" toName="t"/></View>'
    with pytest.raises(ImportFormatError) as caught:
        import_interface(config)
    message = str(caught.value)
    assert what in message and len(message) < 600
    assert "20,000 characters" in message or "20,023 characters" in message
