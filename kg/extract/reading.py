"""Bytes of a file -> article text. The one place that knows about encodings and HTML.

Arabic news reaches us as UTF-8, UTF-8 with a BOM, UTF-16, or Windows-1256
(common on older Arab sites); HTML pages are reduced to their article text.
Anything else is an :class:`ArticleError` that names the file.
"""
from __future__ import annotations

import os
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

MAX_BYTES = 5_000_000  # a news article is a few KB; larger files are not articles
ARABIC = re.compile("[\u0600-\u06FF]")


class ArticleError(ValueError):
    """An input file that cannot be read as an article; str() names the file and why."""

    def __init__(self, path: str | Path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")


def decode(data: bytes, path: str | Path = "<bytes>") -> str:
    """Decode article bytes, detecting UTF-8/UTF-16/Windows-1256.

    >>> decode("مصر".encode("cp1256"))
    'مصر'
    """
    if not data:
        raise ArticleError(path, "empty file")
    if not data.strip():
        raise ArticleError(path, "whitespace only, no text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        order = _utf16_order(data)
        if order is None:
            raise ArticleError(path, "binary file (NUL bytes), not an article")
        try:
            return data.decode(order)
        except UnicodeDecodeError as e:
            raise ArticleError(path, f"looks like {order.upper()} without a byte-order mark, but is not valid "
                                     f"{order.upper()} (at byte {e.start})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1256")
        except UnicodeDecodeError:
            raise ArticleError(path, f"not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
                                     "and not Windows-1256") from None
        if len(ARABIC.findall(text)) < 0.3 * len(re.findall(r"\w", text)):
            raise ArticleError(path, f"not UTF-8 (invalid byte at {utf8_error.start}) and not "
                                     "Arabic in Windows-1256")
        return text


def _utf16_order(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 without a byte-order mark, recognised by its zero
    bytes: Latin text and spaces have a zero high byte, Arabic (U+06xx) a 0x06 one, and they fall
    on every second byte; None when the zeros are not so placed (a binary file)."""
    head = data[:4096]
    if len(data) % 2 or len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    for order, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if sum(b in (0, 6) for b in high) >= 0.9 * len(high) and low.count(0) <= 0.05 * len(low):
            return order
    return None


def _control_ratio(text: str) -> float:
    bad = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    return bad / max(1, min(len(text), 20000))


class _ArticleHTML(HTMLParser):
    """Collects text blocks, skipping scripts, styles, navigation, headers, footers, asides."""
    SKIP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "button",
            "select", "svg", "iframe", "figure"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section",
             "tr", "td", "blockquote", "main", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip_depth = 0
        self.in_article = 0
        self.blocks: list[list[str]] = [[]]
        self.article_blocks: list[list[str]] = []
        self.title: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip_depth += 1
        if tag == "article":
            self.in_article += 1
        if tag == "title":
            self._in_title = True
        if tag in self.BLOCK:
            self.blocks.append([])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip_depth:
            self.skip_depth -= 1
        if tag == "article" and self.in_article:
            self.in_article -= 1
        if tag == "title":
            self._in_title = False
        if tag in self.BLOCK:
            self.blocks.append([])

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
            return
        if self.skip_depth:
            return
        self.blocks[-1].append(data)
        if self.in_article:
            self.article_blocks.append([data])


def html_to_text(html: str) -> str:
    """Reduce an HTML page to its article text, one block per line.

    Prefers the content of <article>; otherwise all body text outside
    navigation, headers, footers and asides.
    """
    parser = _ArticleHTML()
    parser.feed(html)
    parser.close()
    source = parser.blocks
    if parser.article_blocks and sum(len("".join(b)) for b in parser.article_blocks) > 200:
        source = parser.article_blocks
    lines = [" ".join("".join(b).split()) for b in source]
    return "\n".join(line for line in lines if line)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or ("<p>" in head and "</p>" in head) \
        or "<body" in head


def read_article(path: str | Path) -> str:
    """Read one article file (.txt or .html) to plain text, or raise ArticleError."""
    path = Path(path)
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise ArticleError(path, "is a directory")
        if not stat.S_ISREG(st.st_mode):            # a FIFO would block, /dev/zero never end
            raise ArticleError(path, f"not a regular file ({special_file_kind(st.st_mode)}), not read")
        if st.st_size > MAX_BYTES:
            raise ArticleError(path, f"too large for an article ({st.st_size:,} bytes > {MAX_BYTES:,})")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)             # bounded even if the file grows meanwhile
        if len(data) > MAX_BYTES:
            raise ArticleError(path, f"too large for an article (more than {MAX_BYTES:,} bytes)")
    except PermissionError:
        raise ArticleError(path, "cannot read file (permission denied)") from None
    except IsADirectoryError:
        raise ArticleError(path, "is a directory") from None
    except OSError as e:
        raise ArticleError(path, f"cannot read file ({e.strerror})") from None
    return text_from_bytes(data, path)


def special_file_kind(mode: int) -> str:
    """What a file that is not a regular file is, from its ``st_mode`` ("a FIFO", "a socket" …)."""
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "a special file"


def text_from_bytes(data: bytes, path: str | Path = "<bytes>") -> str:
    text = decode(data, path)
    if _control_ratio(text) > 0.01:
        raise ArticleError(path, "binary content (control characters), not an article")
    if str(path).lower().endswith((".html", ".htm")) or looks_like_html(text):
        text = html_to_text(text)
    if not text.strip():
        raise ArticleError(path, "whitespace only, no text")
    if not ARABIC.search(text):
        raise ArticleError(path, "no Arabic text")
    return text
