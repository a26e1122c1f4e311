"""Article sources from files, folders, zip archives, uploads and pasted text; nothing here touches the database.

Every input yields either a Source (text and whatever metadata the file states) or a SourceError that names
the input and says in one sentence what is wrong with it, so one bad file never stops the others.
"""

import contextlib
import csv
import datetime
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import htmldate
import lxml.etree
import lxml.html
import trafilatura
from trafilatura.metadata import extract_meta_json
from trafilatura.settings import Document

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

# A page's nav, aside and footer are never its article: pruning them first costs nothing on the benchmark and
# keeps a page of menus alone from reading as an article saying "Home".
_NEVER_ARTICLE = "//nav|//aside|//footer"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # lxml refuses them in a tree's text
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace only: a non-breaking space is text

# trafilatura and htmldate log a warning for every page they give up on; the reader already gets a SourceError
# that names the page, and the logs would only repeat it in the console, without the name.
for _library in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_library).setLevel(logging.CRITICAL)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].casefold()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(?:body|article|p)[\s>]", head))


def _from_html(name: str, text: str, warnings: tuple[str, ...]) -> Source | SourceError:
    # A parser of our own for each page: its error log is this page's alone.
    parser = lxml.html.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    try:
        tree = lxml.html.document_fromstring(_NOT_XML.sub("", text).encode("utf-8", "replace"), parser=parser)
    except lxml.etree.ParserError:  # no element at all, e.g. only a comment
        return SourceError(name, "no article text found in the page")
    try:
        # trafilatura favouring precision: F1 0.966 on the benchmark's 181 news pages, none left empty
        # (bin/extraction_benchmark.py). Its default and recall modes score 0.962 (though faster),
        # leaving tables out 0.959, its deduplication (which remembers lines across pages) 0.963.
        # It reads a copy of the tree.
        document = trafilatura.bare_extraction(
            tree, favor_precision=True, include_comments=False, prune_xpath=_NEVER_ARTICLE
        )
        title, outlet, url, published = _page_metadata(tree)
    except Exception as error:  # a third-party heuristic failing on one odd page must not stop the others
        return SourceError(name, f"cannot read the page's HTML ({type(error).__name__})")
    text = document.text if isinstance(document, Document) and document.text else ""
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    if title and paragraphs and " ".join(paragraphs[0].split()) == title:
        paragraphs = paragraphs[1:]
    # libxml2 stops reading at 256 levels of nesting: the text after that point is lost.
    if any("Excessive depth" in error.message for error in parser.error_log):
        if not paragraphs:
            return SourceError(name, "the page's HTML is nested too deeply to read (over 255 levels)")
        warnings = (*warnings, "HTML nested over 255 levels deep: the text after that point was not read")
    if not paragraphs:
        return SourceError(name, "no article text found in the page")
    return Source(
        source_name=name,
        text="\n\n".join(paragraphs),
        title=title,
        outlet=outlet,
        url=url,
        published=published,
        warnings=warnings,
    )


def _page_metadata(
    tree: lxml.html.HtmlElement,
) -> tuple[str | None, str | None, str | None, datetime.date | None]:
    """Title, outlet, address and publication date, as the page states them.

    Meta tags are looked for in the whole page, since libxml2 ends the <head> at the first element that
    belongs in a body and pages often have one there. The outlet is the page's og:site_name, else the
    publisher named in its JSON-LD (which for a wire story on a newspaper's site names the agency). The date
    is htmldate's publication date, never a modification date, as the publisher wrote it: the local date in
    the address or the timestamp, not the UTC day of a timestamp stated in UTC."""
    meta: dict[str, str] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").casefold()
        if key and (content := (node.get("content") or "").strip()):
            meta.setdefault(key, content)
    for node in tree.iter("link"):
        if "canonical" in (node.get("rel") or "").casefold().split():
            meta.setdefault("canonical", (node.get("href") or "").strip())
    linked = extract_meta_json(tree, Document())  # JSON-LD: headline, publisher
    h1, title_tag = tree.find(".//h1"), tree.find(".//title")
    title = (
        _clean_title(meta.get("og:title"))
        or _clean_title(meta.get("twitter:title"))
        or (_clean_title(linked.title) if isinstance(linked.title, str) else None)
        or (_clean_title(h1.text_content()) if h1 is not None else None)
        or (_page_title(title_tag.text_content()) if title_tag is not None else None)
    )
    site = _clean_title(meta.get("og:site_name"))
    if not site or web_address(site):
        site = _clean_title(linked.sitename) if isinstance(linked.sitename, str) else None
    url = web_address(meta.get("og:url")) or web_address(meta.get("canonical"))
    found = htmldate.find_date(tree, extensive_search=True, original_date=True, url=url)
    return title, site, url, datetime.date.fromisoformat(found) if found else None


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
