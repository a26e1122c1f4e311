"""Article sources from files, folders, zip archives, uploads and pasted text; nothing here touches the database.

Every input yields either a Source (text and whatever metadata the file states) or a SourceError that names
the input and says in one sentence what is wrong with it, so one bad file never stops the others.
"""

import contextlib
import csv
import datetime
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

__all__ = [
    "ACCEPTED",
    "Limits",
    "Source",
    "SourceError",
    "read_bytes",
    "read_page",
    "read_pasted",
    "read_paths",
]

ACCEPTED = (".txt", ".html", ".htm", ".json", ".jsonl", ".zip")


@dataclass(frozen=True)
class Source:
    source_name: str
    text: str  # article text without the title
    title: str | None
    outlet: str | None = None
    url: str | None = None
    published: datetime.date | None = None
    warnings: tuple[str, ...] = ()
    line: int | None = None  # JSONL line number


@dataclass(frozen=True)
class SourceError:
    source_name: str
    reason: str  # one sentence
    line: int | None = None


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * 1024 * 1024
    max_archive_bytes: int = (
        100 * 1024 * 1024
    )  # total uncompressed bytes read from one archive, nested included
    max_archive_members: int = 10_000
    max_archive_depth: int = 2  # a zip inside a zip is read; deeper is refused


# Beside a folder's articles, what an admin knows of each: file,outlet,published,url (a header row, then one
# row a file; empty cells are unknown). It names the outlet a text does not state.
METADATA_FILE = "metadata.csv"


def read_paths(paths: Iterable[Path], *, limits: Limits = Limits()) -> Iterator[Source | SourceError]:
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            metadata, problems = _metadata(
                path / METADATA_FILE, files={f.relative_to(path).as_posix() for f in files}
            )
            yield from problems
            for file in files:
                name = file.relative_to(path).as_posix()
                if name == METADATA_FILE:
                    continue
                for item in _read_file(name, file, limits):
                    known = metadata.get(name)
                    yield replace(item, **known) if known and isinstance(item, Source) else item
        elif path.exists():
            yield from _read_file(path.name, path, limits)
        else:
            yield SourceError(path.name or str(path), f"no such file or directory: {path}")


def read_bytes(name: str, data: bytes, *, limits: Limits = Limits()) -> Iterator[Source | SourceError]:
    """One uploaded file, read exactly as the same file on disk would be."""
    if len(data) > limits.max_file_bytes:
        yield SourceError(name, _too_big(len(data), limits.max_file_bytes))
        return
    yield from _read_data(name, data, limits, depth=0, budget=_Budget(limits.max_archive_bytes))


def read_pasted(text: str, *, name: str = "pasted text") -> Iterator[Source | SourceError]:
    text = _normalise(text.removeprefix("\ufeff"))
    if not text.strip():
        yield SourceError(name, "empty text")
    elif _looks_like_html(text):
        yield _from_html(name, text, warnings=())
    else:
        title, body = _split_headline(text)
        yield Source(source_name=name, text=body, title=title)


def read_page(name: str, data: bytes, *, charset: str | None = None) -> Iterator[Source | SourceError]:
    """A web page fetched from a link, whatever its address ends with; `charset` is what the server declared
    (a page without a BOM or its own <meta charset> is read in it)."""
    if kind := binary_kind(data):
        yield SourceError(name, f"binary file ({kind}), not a web page")
        return
    if (
        charset
        and not data.startswith(tuple(bom for bom, _ in _BOMS))
        and not _META_CHARSET.search(data[:4096])
    ):
        with contextlib.suppress(LookupError, UnicodeDecodeError):  # a wrong declaration: read as a file is
            data = data.decode(charset).encode("utf-8")
    text, warnings = _decode(data, html=True)
    if not text.strip():
        yield SourceError(name, "the page is empty")
        return
    yield _from_html(name, text, warnings)


# --- files and archives -----------------------------------------------------------------------------------


@dataclass
class _Budget:
    """Uncompressed bytes an archive may still produce; shared with the archives nested in it."""

    remaining: int


def _too_big(size: int, limit: int) -> str:
    return f"file too large: {size:,} bytes (limit {limit:,})"


def _read_file(name: str, path: Path, limits: Limits) -> Iterator[Source | SourceError]:
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            yield SourceError(name, _too_big(size, limits.max_file_bytes))
            return
        data = path.read_bytes()
    except OSError as error:
        yield SourceError(name, f"cannot read file: {error.strerror or error}")
        return
    yield from read_bytes(name, data, limits=limits)


def _metadata(path: Path, *, files: set[str]) -> tuple[dict[str, dict], list[SourceError]]:
    """The metadata file's rows by file name, and a clear error for each row that cannot be used."""
    if not path.is_file():
        return {}, []
    found: dict[str, dict] = {}
    problems = []
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return {}, [SourceError(METADATA_FILE, f"cannot read the metadata file: {error}")]
    for line, row in enumerate(rows, start=2):
        name = (row.get("file") or "").strip()
        where = f"{METADATA_FILE} line {line}"
        if name not in files:
            problems.append(SourceError(METADATA_FILE, f"{where}: no file {name!r} in the folder", line=line))
            continue
        known: dict = {}
        if outlet := (row.get("outlet") or "").strip():
            known["outlet"] = outlet[:200]
        if published := (row.get("published") or "").strip():
            try:
                known["published"] = datetime.date.fromisoformat(published)
            except ValueError:
                problems.append(
                    SourceError(
                        METADATA_FILE, f"{where}: {published!r} is not a date in YYYY-MM-DD form", line=line
                    )
                )
                continue
        if url := (row.get("url") or "").strip():
            if not web_address(url):
                problems.append(
                    SourceError(METADATA_FILE, f"{where}: {url!r} is not an http(s) address", line=line)
                )
                continue
            known["url"] = url
        found[name] = known
    return found, problems


def _extension(name: str) -> str:
    return PurePosixPath(name).suffix.casefold()


def _read_data(
    name: str, data: bytes, limits: Limits, *, depth: int, budget: _Budget
) -> Iterator[Source | SourceError]:
    extension = _extension(name)
    if extension == ".zip":
        yield from _read_zip(name, data, limits, depth=depth + 1, budget=budget)
        return
    if extension not in ACCEPTED:
        shown = f"'{extension}'" if extension else "no extension"
        yield SourceError(name, f"unsupported file type ({shown}); accepted: {', '.join(ACCEPTED)}")
        return
    if kind := binary_kind(data):
        yield SourceError(name, f"binary file ({kind})")
        return
    try:
        text, warnings = _decode(data, html=extension in {".html", ".htm"})
    except UnicodeDecodeError:
        yield SourceError(name, "cannot decode the text")
        return
    if not text.strip():
        yield SourceError(name, "empty file" if not data else "file contains only whitespace")
        return
    if extension == ".txt":
        yield _from_txt(name, text, warnings)
    elif extension in {".html", ".htm"}:
        yield _from_html(name, text, warnings)
    elif extension == ".json":
        yield _from_json(name, text, warnings)
    else:
        yield from _from_jsonl(name, text, warnings)


def _unsafe_member(member: str) -> bool:
    parts = member.replace("\\", "/").split("/")
    return member.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", member)) or ".." in parts


def _read_zip(
    name: str, data: bytes, limits: Limits, *, depth: int, budget: _Budget
) -> Iterator[Source | SourceError]:
    if depth > limits.max_archive_depth:
        yield SourceError(name, f"archive nested too deep (more than {limits.max_archive_depth} levels)")
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        yield SourceError(name, f"not a valid zip archive: {error}")
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > limits.max_archive_members:
            yield SourceError(
                name, f"too many files in archive: {len(members):,} (limit {limits.max_archive_members:,})"
            )
            return
        declared = sum(m.file_size for m in members)
        if declared > budget.remaining:
            used = limits.max_archive_bytes - budget.remaining
            already = f", {used:,} already read" if used else ""
            yield SourceError(
                name,
                f"archive too large when uncompressed: {declared:,} bytes "
                f"(limit {limits.max_archive_bytes:,}{already})",
            )
            return
        for member in sorted(members, key=lambda m: m.filename):
            member_name = f"{name}/{member.filename}"
            if _unsafe_member(member.filename):
                yield SourceError(member_name, f"unsafe path in archive refused: {member.filename!r}")
                continue
            if any(part.startswith(".") or part == "__MACOSX" for part in member.filename.split("/")):
                continue
            try:
                content = _read_member(archive, member, limits, budget)
            except _ArchiveLimit as error:
                yield SourceError(member_name, str(error))
                return  # headers lied about the size: nothing more from this archive is trusted
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, RuntimeError) as error:
                yield SourceError(member_name, f"cannot read from archive: {error}")
                continue
            yield from _read_data(member_name, content, limits, depth=depth, budget=budget)


class _ArchiveLimit(Exception):
    pass


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits, budget: _Budget) -> bytes:
    """Counts the bytes actually inflated, since a crafted header can understate them."""
    if member.file_size > limits.max_file_bytes:
        raise _ArchiveLimit(_too_big(member.file_size, limits.max_file_bytes))
    chunks: list[bytes] = []
    size = 0
    with archive.open(member) as stream:
        while chunk := stream.read(64 * 1024):
            size += len(chunk)
            budget.remaining -= len(chunk)
            if budget.remaining < 0:
                raise _ArchiveLimit(
                    f"archive too large when uncompressed: more than {limits.max_archive_bytes:,} bytes"
                )
            if size > limits.max_file_bytes:
                raise _ArchiveLimit(_too_big(size, limits.max_file_bytes))
            chunks.append(chunk)
    return b"".join(chunks)


# --- bytes to text ----------------------------------------------------------------------------------------

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive; name it .zip to read it"),
    (b"PK\x05\x06", "zip archive; name it .zip to read it"),
    (b"\x1f\x8b", "gzip archive"),
    (b"RIFF", "RIFF media"),
    (b"\xd0\xcf\x11\xe0", "Microsoft Office document"),
)
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)


def binary_kind(data: bytes) -> str | None:
    """What a file's first bytes say it is when it is no text ("PNG image"); None for text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    return "contains NUL bytes" if b"\x00" in data[:65536] else None


def web_address(value: str | None) -> str | None:
    """The address as given when it is an http(s) URL with a host; None for anything else.

    An article's address becomes its "original" link: a javascript:, data: or file: address must never get
    that far, wherever it comes from (a JSON record, a page's og:url, the command line, the upload form)."""
    value = (value or "").strip()
    if not value or any(ord(c) < 32 or c.isspace() for c in value):
        return None  # browsers drop tabs and newlines inside a scheme: "java\tscript:" is still script
    parts = urlsplit(value)
    return value if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, *, html: bool) -> tuple[str, tuple[str, ...]]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _normalise(data[len(bom) :].decode(encoding)), ()
    try:
        return _normalise(data.decode("utf-8")), ()
    except UnicodeDecodeError:
        pass
    candidates = ["cp1252", "latin-1"]
    if html and (declared := _META_CHARSET.search(data[:4096])):
        candidates.insert(0, declared[1].decode("ascii", "replace").casefold())
    for encoding in candidates:
        try:
            return _normalise(data.decode(encoding)), (f"not UTF-8: decoded as {encoding}",)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnicodeDecodeError("latin-1", data, 0, 1, "undecodable")  # latin-1 decodes anything: unreachable


# --- formats ----------------------------------------------------------------------------------------------


def _split_headline(text: str) -> tuple[str | None, str]:
    """Text that may or may not start with its headline: only a first line shaped like one is taken as it."""
    first, _, rest = text.strip().partition("\n")
    if rest.strip() and _is_headline(first):
        return first.strip(), rest.strip("\n")
    return None, text.strip("\n")


def _is_headline(line: str) -> bool:
    """A short line that does not end as a sentence, or one in title case ("Senator Warns Banks on Fees.")."""
    words = line.split()
    if not 0 < len(words) <= 25:
        return False
    long_words = [w for w in words if len(w.strip("‘’'\"“”:,.")) > 3]
    title_case = len(long_words) >= 3 and sum(
        w.lstrip("‘’'\"“”")[:1].isupper() for w in long_words
    ) >= 0.8 * len(long_words)
    return title_case or not re.search(r"[.;:]['\"’”)]*$", line.strip())


def _from_txt(name: str, text: str, warnings: tuple[str, ...]) -> Source | SourceError:
    title, _, rest = text.lstrip().partition("\n")
    if not rest.strip():
        return SourceError(name, "only a headline, no article text")
    return Source(source_name=name, text=rest.strip("\n"), title=title.strip(), warnings=warnings)


def _parse_published(value: object) -> datetime.date | None:
    if not isinstance(value, str):
        raise ValueError
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.date.fromisoformat(value)
    return datetime.datetime.fromisoformat(value).date()


def _from_object(
    obj: object, *, default_name: str, warnings: tuple[str, ...], line: int | None
) -> Source | SourceError:
    if not isinstance(obj, dict):
        return SourceError(default_name, f"expected a JSON object, found {_json_kind(obj)}", line=line)
    fields: dict[str, str | None] = {}
    for key in ("title", "outlet", "url", "source_name"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            return SourceError(default_name, f"field '{key}' must be a string", line=line)
        fields[key] = value.strip() if isinstance(value, str) and value.strip() else None
    if fields["url"] and not web_address(fields["url"]):
        warnings = (*warnings, f"field 'url' ignored: {fields['url'][:80]!r} is not an http(s) address")
        fields["url"] = None
    name = fields["source_name"] or fields["url"] or default_name
    text = obj.get("text", obj.get("body"))
    if text is None:
        return SourceError(name, "missing field 'text' (or 'body')", line=line)
    if not isinstance(text, str):
        return SourceError(name, "field 'text' must be a string", line=line)
    if not text.strip():
        return SourceError(name, "field 'text' is empty", line=line)
    published = None
    if obj.get("published") not in (None, ""):
        try:
            published = _parse_published(obj["published"])
        except ValueError:
            return SourceError(
                name,
                f"invalid 'published' date {obj['published']!r} (expected YYYY-MM-DD or an ISO datetime)",
                line=line,
            )
    title, text = (fields["title"], _normalise(text).strip("\n"))
    if title is None:
        title, text = _split_headline(text)
    return Source(
        source_name=name,
        text=text,
        title=title,
        outlet=fields["outlet"],
        url=fields["url"],
        published=published,
        warnings=warnings,
        line=line,
    )


def _json_kind(obj: object) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(obj), "a number"
    )


def _from_json(name: str, text: str, warnings: tuple[str, ...]) -> Source | SourceError:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as error:
        return SourceError(name, f"not valid JSON: {error.msg} (line {error.lineno})", line=error.lineno)
    return _from_object(obj, default_name=name, warnings=warnings, line=None)


def _from_jsonl(name: str, text: str, warnings: tuple[str, ...]) -> Iterator[Source | SourceError]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as error:
            yield SourceError(where, f"not valid JSON: {error.msg} (line {number})", line=number)
            continue
        yield _from_object(obj, default_name=where, warnings=warnings, line=number)


# --- HTML -------------------------------------------------------------------------------------------------

_SKIP_TAGS = frozenset(
    "script style noscript iframe nav header footer aside form button svg canvas template select option "
    "textarea input label dialog menu object embed video audio map head".split()
)
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_BLOCK_TAGS = frozenset(
    "address article blockquote dd details div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr li main ol p pre "
    "section summary table tbody td tfoot th thead tr ul".split()
)
_ROOT_TAGS = frozenset({"html", "body", "main", "article"})
_BOILERPLATE_CLASS = re.compile(
    r"(?:^|[-_\s])(?:share|sharing|social|related|recommend(?:ed|ations)?|cookies?|consent|gdpr|comments?|"
    r"disqus|advert\w*|ads?|adslot|ad-slot|banner|promo\w*|newsletter|subscribe|subscription|sidebar|widgets?|"
    r"nav|navbar|navigation|menu|breadcrumbs?|footer|masthead|popup|modal|paywall|outbrain|taboola|"
    r"more-stories|read-?more|tags|author-bio|byline-social|skip-link|visually-hidden|sr-only)(?:$|[-_\s])",
    re.IGNORECASE,
)
_SKIP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alert"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace only: a non-breaking space is text


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    parent: "_Node | None" = None
    children: list["_Node | str"] = field(default_factory=list)

    def find_all(self, predicate: "Callable[[_Node], bool]") -> Iterator["_Node"]:
        for child in self.children:
            if isinstance(child, _Node):
                if predicate(child):
                    yield child
                yield from child.find_all(predicate)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    """A forgiving DOM: unclosed paragraphs and stray end tags are common in scraped pages."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS and self._open("p"):
            self._close("p")
        if tag == "li" and self._open("li", within=("ul", "ol")):
            self._close("li")
        node = _Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in _VOID_TAGS:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(_Node(tag, {k: v or "" for k, v in attrs}, parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        if self._open(tag):
            self._close(tag)

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)

    def _open(self, tag: str, within: tuple[str, ...] = ()) -> bool:
        node: _Node | None = self.current
        while node is not None and node.tag not in within:
            if node.tag == tag:
                return True
            node = node.parent
        return False

    def _close(self, tag: str) -> None:
        node: _Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].casefold()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(?:body|article|p)[\s>]", head))


def _meta(root: _Node) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in root.find_all(lambda n: n.tag == "meta"):
        key = (
            node.attrs.get("property") or node.attrs.get("name") or node.attrs.get("itemprop") or ""
        ).casefold()
        if key and node.attrs.get("content", "").strip():
            found.setdefault(key, node.attrs["content"].strip())
    for node in root.find_all(lambda n: n.tag == "link" and "canonical" in n.attrs.get("rel", "").split()):
        found.setdefault("canonical", node.attrs.get("href", "").strip())
    return found


def _is_boilerplate_node(node: _Node) -> bool:
    if node.tag in _SKIP_TAGS:
        return True
    attrs = node.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true" or attrs.get("role", "") in _SKIP_ROLES:
        return True
    if re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", attrs.get("style", "")):
        return True
    if node.tag in _ROOT_TAGS or attrs.get("itemprop") == "articleBody":
        return False
    return bool(_BOILERPLATE_CLASS.search(f"{attrs.get('class', '')} {attrs.get('id', '')}"))


def _in_boilerplate(node: _Node) -> bool:
    ancestor = node.parent
    while ancestor is not None:
        if ancestor.tag in {"aside", "footer", "nav"} or (
            ancestor.tag not in _ROOT_TAGS
            and _BOILERPLATE_CLASS.search(f"{ancestor.attrs.get('class', '')} {ancestor.attrs.get('id', '')}")
        ):
            return True
        ancestor = ancestor.parent
    return False


def _prune(node: _Node) -> None:
    node.children = [
        c
        for c in node.children
        if isinstance(c, str) or (c.tag != "#comment" and not _is_boilerplate_node(c))
    ]
    for child in node.children:
        if isinstance(child, _Node):
            _prune(child)


def _main_content(body: _Node) -> _Node:
    """The article body: marked up as such, else the container whose paragraphs hold the most text."""
    for predicate in (
        lambda n: n.attrs.get("itemprop") == "articleBody",
        lambda n: n.tag == "article",
        lambda n: n.tag == "main" or n.attrs.get("role") == "main",
    ):
        candidates = list(body.find_all(predicate))
        if candidates:
            best = max(candidates, key=lambda n: len(_HTML_SPACE.sub(" ", n.text()).strip()))
            if len(best.text().split()) >= 25:
                return best
    scores: dict[int, tuple[int, _Node]] = {}
    for p in body.find_all(lambda n: n.tag == "p"):
        if p.parent is not None:
            length = len(_HTML_SPACE.sub(" ", p.text()).strip())
            previous = scores.get(id(p.parent), (0, p.parent))[0]
            scores[id(p.parent)] = (previous + length, p.parent)
    if not scores:
        return body
    return max(scores.values(), key=lambda item: item[0])[1]


def _link_heavy(node: _Node) -> bool:
    text = _HTML_SPACE.sub(" ", node.text()).strip()
    linked = sum(len(_HTML_SPACE.sub(" ", a.text()).strip()) for a in node.find_all(lambda n: n.tag == "a"))
    return bool(text) and linked / len(text) > 0.8 and not re.search(r"[.!?][\"'’”)]*$", text)


def _blocks(node: _Node, out: list[list[str]]) -> None:
    """Plain text with a blank line between blocks and a newline for each <br>."""
    for child in node.children:
        if isinstance(child, str):
            out[-1].append(child if node.tag == "pre" else _HTML_SPACE.sub(" ", child))
        elif child.tag == "br":
            out[-1].append("\n")
        elif child.tag in _VOID_TAGS:
            continue
        elif child.tag in _BLOCK_TAGS:
            if child.tag in {"li", "p", "div"} and _link_heavy(child):
                continue  # lists of links inside the article: related stories, tags
            out.append([])
            _blocks(child, out)
            out.append([])
        else:
            _blocks(child, out)


def _html_paragraphs(node: _Node) -> list[str]:
    out: list[list[str]] = [[]]
    _blocks(node, out)
    paragraphs = []
    for parts in out:
        for piece in re.split(r"\n[ \t]*\n", "".join(parts)):
            lines = [line.strip(" \t") for line in piece.split("\n")]
            text = "\n".join(line for line in lines if line).strip(" \t\n")
            if text:
                paragraphs.append(text)
    return paragraphs


def _clean_title(value: str | None) -> str | None:
    return _HTML_SPACE.sub(" ", value).strip() or None if value else None


def _page_title(value: str) -> str | None:
    """<title> usually ends with the site's name: "Headline | Site" or "Headline - Site"."""
    title = _clean_title(value)
    if (
        title
        and (parts := re.split(r"\s+[|–—-]\s+", title))
        and len(parts) > 1
        and len(parts[-1].split()) <= 4
    ):
        return " - ".join(parts[:-1]) if len(parts) > 2 else parts[0]
    return title


def _from_html(name: str, text: str, warnings: tuple[str, ...]) -> Source | SourceError:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    root = builder.root
    meta = _meta(root)
    h1 = next(root.find_all(lambda n: n.tag == "h1"), None)
    title_tag = next(root.find_all(lambda n: n.tag == "title"), None)
    title = (
        _clean_title(meta.get("og:title"))
        or _clean_title(meta.get("twitter:title"))
        or (_clean_title(h1.text()) if h1 else None)
        or (_page_title(title_tag.text()) if title_tag else None)
    )
    published = _html_published(root, meta)
    _prune(root)
    paragraphs = _html_paragraphs(_main_content(root))
    if title and paragraphs and " ".join(paragraphs[0].split()) == title:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return SourceError(name, "no article text found in the page")
    return Source(
        source_name=name,
        text="\n\n".join(paragraphs),
        title=title,
        outlet=meta.get("og:site_name") or None,
        url=web_address(meta.get("og:url")) or web_address(meta.get("canonical")),
        published=published,
        warnings=warnings,
    )


def _html_published(root: _Node, meta: dict[str, str]) -> datetime.date | None:
    published = None
    for key in ("article:published_time", "datepublished", "date", "dc.date", "pubdate"):
        if key in meta:
            try:
                published = _parse_published(meta[key])
                break
            except ValueError:
                continue
    if published is None:
        for time_tag in root.find_all(lambda n: n.tag == "time" and "datetime" in n.attrs):
            if _in_boilerplate(time_tag):
                continue  # a comment's or a teaser's date
            try:
                return _parse_published(time_tag.attrs["datetime"])
            except ValueError:
                continue
    return published
