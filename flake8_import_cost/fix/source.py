"""Reading and writing source files byte-exactly.

A file is decoded as Python decodes it (a BOM, an encoding cookie, else
UTF-8) and written back in the same encoding, with its BOM; line endings and
a missing final newline are kept because the text is never split or joined
here. A file is written atomically: a temporary file in the same directory,
given the original's permissions, then renamed over it.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import tempfile
import tokenize

#: PEP 263's encoding declaration.
_COOKIE = rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)"


class SourceError(Exception):
    """A file that cannot be read as Python source; ``str()`` is one line."""


class Source:
    """One file's bytes, its text and the encoding to write it back in."""

    __slots__ = ("path", "raw", "text", "encoding")

    def __init__(self, path: str, raw: bytes, text: str, encoding: str) -> None:
        self.path = path
        self.raw = raw
        self.text = text
        self.encoding = encoding

    @classmethod
    def read(cls, path: str) -> Source:
        try:
            with open(path, "rb") as file:
                raw = file.read()
        except OSError as error:
            raise SourceError(f"cannot read it: {error.strerror or error}") from None
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        except SyntaxError as error:
            raise SourceError(str(error)) from None
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            head = b"\n".join(raw.split(b"\n", 2)[:2])
            declared = raw.startswith(codecs.BOM_UTF8) or re.search(_COOKIE, head, re.MULTILINE)
            if declared:
                raise SourceError(f"not valid {encoding} (byte {error.start})") from None
            raise SourceError(f"not UTF-8 (byte {error.start}) and no encoding cookie") from None
        return cls(path, raw, text, encoding)

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)


def write_atomic(path: str, data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` in one rename, keeping its permissions."""
    directory = os.path.dirname(os.path.abspath(path))
    mode = stat.S_IMODE(os.stat(path).st_mode)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
