"""Office packages (Word, Excel, OpenDocument) checked before a library opens them: one clear error for a
password-protected, damaged or misnamed file instead of a library's traceback."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.core.errors import EmptyDocument, EncryptedDocument, UnreadableDocument

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: .doc/.xls, or an encrypted .docx/.xlsx
# the stream an encrypted OOXML file keeps in its OLE container (directory names are UTF-16)
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")

# what each kind of package holds: the part that tells it apart, and its name for messages
KINDS: dict[str, tuple[str, str]] = {
    "docx": ("word/document.xml", "a Word document (.docx)"),
    "xlsx": ("xl/workbook.xml", "an Excel workbook (.xlsx)"),
    "odt": ("mimetype:application/vnd.oasis.opendocument.text", "an OpenDocument text (.odt)"),
    "ods": ("mimetype:application/vnd.oasis.opendocument.spreadsheet", "an OpenDocument spreadsheet (.ods)"),
}


def _kind_of(names: set[str], mimetype: str) -> str | None:
    for kind, (part, _) in KINDS.items():
        if part.startswith("mimetype:") and mimetype == part.removeprefix("mimetype:"):
            return kind
        if part in names:
            return kind
    return None


def check_package(path: Path, expected: str) -> None:
    """Raise the pipeline's error when ``path`` is not a readable package of kind ``expected``
    (``"docx"``, ``"xlsx"``, ``"odt"``, ``"ods"``): empty, encrypted, an old binary file, not a zip, a
    truncated zip, or another kind of package under this name (a .docx renamed .xlsx)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise UnreadableDocument(f"{path.name}: cannot read the file ({e.strerror})") from e
    if not head:
        raise EmptyDocument(f"{path.name}: the file is empty")
    if head == OLE_MAGIC:
        if _ENCRYPTION_INFO in path.read_bytes():
            raise EncryptedDocument(f"{path.name}: the file is password-protected (encrypted); "
                                    f"save it without a password to read it")
        raise UnreadableDocument(f"{path.name}: an old binary Office file (.doc/.xls), not "
                                 f"{KINDS[expected][1]}; save it in the current format to read it")
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            mimetype = package.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
            damaged = package.testzip()
    except zipfile.BadZipFile as e:
        raise UnreadableDocument(f"{path.name}: not {KINDS[expected][1]}: the file is damaged or truncated, "
                                 f"or not an Office file ({e})") from e
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError) as e:
        raise UnreadableDocument(f"{path.name}: the package cannot be read ({e})") from e
    if damaged is not None:
        raise UnreadableDocument(f"{path.name}: the package is damaged (its part {damaged!r} fails its checksum)")
    kind = _kind_of(names, mimetype)
    if kind is None:
        raise UnreadableDocument(f"{path.name}: a zip file but not {KINDS[expected][1]} "
                                 f"(no {KINDS[expected][0].removeprefix('mimetype:')} part)")
    if kind != expected:
        raise UnreadableDocument(f"{path.name}: {KINDS[kind][1]} saved under the name of "
                                 f"{KINDS[expected][1]}; rename it .{kind} to read it")
