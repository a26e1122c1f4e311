"""Article text cleaning: page debris out, paragraphs kept verbatim, outlet and date read from the header.

Everything here works on the shape of a paragraph (length, final punctuation, a marker line next to it),
never on one site's exact wording, because every outlet dresses its pages differently.
"""

import datetime
import re
from dataclasses import dataclass

from articles.nlp.vocabulary import OUTLET_NAMES, STOP_WORDS

__all__ = ["PreparedText", "prepare_text"]


@dataclass(frozen=True)
class PreparedText:
    title: str
    body: str  # title, a blank line, then the kept paragraphs joined by "\n\n"
    title_end: int  # body[:title_end] == title; 0 when there is no title
    outlet: str | None
    published: datetime.date | None
    removed: tuple[str, ...]  # paragraphs dropped as debris, in text order


# Control characters other than tab and newline are never text (PostgreSQL refuses NUL in a text column);
# they arrive through JSON escapes and broken encodings.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def prepare_text(*, title: str | None, text: str) -> PreparedText:
    paragraphs = _paragraphs(_CONTROL.sub("", text))
    head = " ".join(_CONTROL.sub("", title or "").split())
    removed: list[str] = []

    # A headline repeated as the first paragraph is a copy of the page's <h1>, not story text.
    while paragraphs and head and _same(paragraphs[0], head):
        removed.append(paragraphs.pop(0))
    if head and paragraphs and _is_site_tagline(title=head, first=paragraphs[0], rest=paragraphs[1:]):
        removed.append(head)
        head = paragraphs.pop(0)
        while paragraphs and _same(paragraphs[0], head):
            removed.append(paragraphs.pop(0))

    outlet, published = _guess_metadata(paragraphs)
    drop = _debris(paragraphs)
    kept = [p for i, p in enumerate(paragraphs) if i not in drop]
    removed.extend(paragraphs[i] for i in sorted(drop))

    body = "\n\n".join([head, *kept]) if head else "\n\n".join(kept)
    return PreparedText(
        title=head,
        body=body,
        title_end=len(head),
        outlet=outlet,
        published=published,
        removed=tuple(removed),
    )


# --- paragraphs -------------------------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t\f\v\u00a0\u2000-\u200b\u3000]*\n")


def _paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _content_words(text: str) -> set[str]:
    words = (w.casefold().removesuffix("'s").removesuffix("’s") for w in _WORD.findall(text))
    return {w for w in words if len(w) >= 4 and w not in STOP_WORDS}


def _is_site_tagline(*, title: str, first: str, rest: list[str]) -> bool:
    """The given title is a site slogan when the next line is a headline that fits the story far better."""
    if not _is_title_like(first, strict=True) or len(first.split()) < 4:
        return False
    story = _content_words(" ".join(rest))
    title_words, first_words = _content_words(title), _content_words(first)
    if not story or not first_words:
        return False
    title_fit = len(title_words & story) / len(title_words) if title_words else 0.0
    first_fit = len(first_words & story) / len(first_words)
    return title_fit < 0.3 and first_fit >= 0.5


# --- debris -----------------------------------------------------------------------------------------------

_CLOSERS = re.escape("'\"’”»)]")
_SENTENCE_END = re.compile(rf"[.:;…][{_CLOSERS}]*$")
_QUESTION_END = re.compile(rf"[?!][{_CLOSERS}]*$")
_QUOTE_MARK = re.compile(r"[\"“”«»]")
# Teaser lists often end a headline with the other article's date: "… (Sept. 8, 2022)".
_TRAILING_DATE = re.compile(r"\s*\([^()]*\d{4}\)$")
_BULLET = re.compile(r"^[-•*–—·▪►]\s")

_MARKER = re.compile(
    r"^(?:read (?:more|also|next)|also read|see also|also see|related(?: (?:articles?|stories|posts?|news|"
    r"coverage|content|reading|links|topics|videos?))?|similar (?:posts?|articles?|stories)|more (?:stories|"
    r"news|articles|to read|on this(?: story| topic)?)|you (?:may|might) (?:also )?(?:like|enjoy|be interested"
    r" in)|recommended(?: for you| stories| articles| reading)?|further reading|most (?:read|popular|viewed)|"
    r"trending(?: now| stories)?|don['’]t miss|top stories|editor['’]?s picks|what to read next|up next|"
    r"read the full (?:story|article))\s*[:›»>→.…\-]*$",
    re.IGNORECASE,
)
_INLINE_MARKER = re.compile(
    r"^(?:read more|read also|also read|see also|related|recommended|watch|listen|more)\s*[:|»›]\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_AD_WORDS = frozenset(
    "advertisement advertisements advertising ad ads sponsored sponsor content story article continues "
    "continue below scroll to with reading".split()
)
_AD_CORE = frozenset(
    {"advertisement", "advertisements", "advertising", "ad", "ads", "sponsored", "continues"}
)
_CODE_SHAPE = re.compile(r"[{}]|\bfunction\s*\(|\bgoogletag\b|\bwindow\.|\bdocument\.|\bvar\s+\w+\s*=")
_SHARE_WORDS = frozenset(
    "share shares sharing this article story post page on via facebook twitter x whatsapp telegram linkedin "
    "email e-mail mail print pinterest reddit copy link tweet messenger vk viber flipboard pocket threads "
    "bluesky click to opens in new window the".split()
)
_SHARE_CORE = frozenset(
    "share facebook twitter whatsapp telegram linkedin pinterest reddit tweet messenger vk viber flipboard "
    "bluesky".split()
)
_COMMENT_PROMPT = re.compile(
    r"^(?:leave|post|add|write|submit) (?:a |your )?(?:reply|comment|response)|^cancel reply$|^\d+ comments?$|"
    r"^comments?(?: \(\d+\))?$|^join the (?:conversation|discussion)|^show comments|^view comments|"
    r"email address will not be published|required fields are marked|must be (?:logged|signed) in to "
    r"(?:post|leave) a comment|^save my name, email",
    re.IGNORECASE,
)
_COOKIE = re.compile(r"\bcookies?\b", re.IGNORECASE)
_COOKIE_CONTEXT = re.compile(
    r"\b(?:(?:this|our) (?:web)?site|we use|uses cookies|accept|opt[- ]out|consent|privacy policy|"
    r"browsing|your experience)\b",
    re.IGNORECASE,
)
_PROMO = re.compile(
    r"^(?:(?:sign up|subscribe|register|enter your email|get (?:our|the) \w+ newsletter)\b|"
    r"(?:read|find) (?:more|us|all)\b.*\b(?:our|us)\b|(?:follow|join|like) us\b|(?:follow|join) our\b|"
    r"download (?:our|the) app\b)",
    re.IGNORECASE,
)
_PROMO_CHANNELS = re.compile(
    r"\b(?:newsletters?|inbox|telegram|twitter|facebook|instagram|whatsapp|youtube|tiktok|channel|app|"
    r"podcast|updates|subscribe|sign up)\b",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.casefold())


def _is_title_like(paragraph: str, *, strict: bool) -> bool:
    """A headline: a single short line that does not end like a sentence."""
    if "\n" in paragraph:
        return False
    core = _TRAILING_DATE.sub("", paragraph).strip()
    if not 2 <= len(core.split()) <= 25 or _SENTENCE_END.search(core):
        return False
    # Outside a teaser block "?" or "!" ends a sentence; inside one a headline may ask, but a quote may not.
    return not _QUESTION_END.search(core) or (not strict and not _QUOTE_MARK.search(core))


def _is_marker(paragraph: str) -> bool:
    return bool(_MARKER.match(paragraph.strip(" \t*#")))


def _is_inline_teaser(paragraph: str) -> bool:
    found = _INLINE_MARKER.match(paragraph)
    return bool(found) and _is_title_like(found["rest"], strict=False) if found else False


def _is_ad_remnant(paragraph: str) -> bool:
    words = _words(paragraph)
    if words and len(words) <= 8 and set(words) <= _AD_WORDS and set(words) & _AD_CORE:
        return True
    # Script left over around an ad slot: "Advertisement'; }", "});", "googletag.cmd.push(…)".
    if len(paragraph) >= 300 or not _CODE_SHAPE.search(paragraph):
        return False
    letters = sum(c.isalpha() for c in paragraph)
    return letters < 0.8 * len(paragraph) and not _SENTENCE_END.search(paragraph.rstrip("'\"; })"))


def _is_share_line(paragraph: str) -> bool:
    words = _words(paragraph)
    return 0 < len(words) <= 15 and set(words) <= _SHARE_WORDS and bool(set(words) & _SHARE_CORE)


def _is_boilerplate(paragraph: str) -> bool:
    n_words = len(paragraph.split())
    if n_words <= 25 and _COMMENT_PROMPT.search(paragraph):
        return True
    if n_words <= 80 and _COOKIE.search(paragraph) and _COOKIE_CONTEXT.search(paragraph):
        return True
    if n_words <= 25 and _PROMO.match(paragraph) and _PROMO_CHANNELS.search(paragraph):
        return True
    return _is_ad_remnant(paragraph) or _is_share_line(paragraph) or _is_inline_teaser(paragraph)


def _debris(paragraphs: list[str]) -> set[int]:
    drop = {i for i, p in enumerate(paragraphs) if _is_boilerplate(p) or _is_header_only(p, i)}
    markers = [i for i, p in enumerate(paragraphs) if _is_marker(p)]
    drop.update(markers)
    for m in markers:
        # The linked headline sits right before the marker (a card label) or in a run after it (a list).
        if m > 0 and _is_title_like(paragraphs[m - 1], strict=True):
            drop.add(m - 1)
        j = m + 1
        while j < len(paragraphs) and (
            j in drop or _is_title_like(paragraphs[j], strict=False) and not _BULLET.match(paragraphs[j])
        ):
            drop.add(j)
            j += 1
    drop.update(_headline_runs(paragraphs, drop))
    return drop


def _headline_runs(paragraphs: list[str], drop: set[int]) -> set[int]:
    """Three or more headline-shaped lines in a row past the story's opening are a list of other articles."""
    first_sentence = next(
        (i for i, p in enumerate(paragraphs) if i not in drop and not _is_title_like(p, strict=True)),
        len(paragraphs),
    )
    found: set[int] = set()
    run: list[int] = []
    for i in [*range(first_sentence + 1, len(paragraphs)), None]:
        if i is not None and (
            i in drop or _is_title_like(paragraphs[i], strict=True) and not _BULLET.match(paragraphs[i])
        ):
            run.append(i)
            continue
        if sum(j not in drop for j in run) >= 3:
            found.update(run)
        run = []
    return found


# --- metadata ---------------------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATES = [
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?\b"),
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})\b"),  # dotted dates are day first
    re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})\b"),
]
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|gmt|utc|[ecmp][sd]t|msk|cet|bst)?\b", re.I)
_LABEL = re.compile(
    r"\b(?P<label>first published|published|posted|last updated|updated|date)(?:\s+on)?\s*:?\s*", re.I
)
_BYLINE = re.compile(r"^\s*by\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|al|bin|la|le))*", re.I)
_SEPARATORS = re.compile(r"\s*(?:[|•·]|\s[—–―]\s|\s-{1,2}\s)\s*")
_DATELINE = re.compile(r"^(?P<head>[^\n—–―•|]{1,80}?)\s*(?:[—–―•|]|--?\s)")
_PARENS = re.compile(r"\(\s*(?P<inner>[^()]*?)\s*\)|\(\s*$")
# Wire agencies and broadcasters named in datelines; a bare place name ("LONDON, May 3, 2024 —") is not one.
_KNOWN_OUTLETS = {name.casefold(): name for name in OUTLET_NAMES}
_OUTLET_WORDS = re.compile(
    r"\b(?:news|times|post|press|agency|herald|journal|gazette|tribune|daily|tv|radio|network|media|"
    r"telegraph|wire|chronicle|observer|independent|magazine|review)\b|\.(?:com|net|org|co\.uk|ru|cn)\b",
    re.IGNORECASE,
)
_HEADER_ZONE = 4
_HEADER_GLUE = frozenset({"by", "and", "of", "on", "at", "the", "in"})


def _date_in(text: str) -> tuple[datetime.date | None, re.Match[str] | None]:
    """The first full date in the text (None when ambiguous or impossible) and where it was found."""
    found = sorted((m for pattern in _DATES if (m := pattern.search(text))), key=lambda m: m.start())
    if not found:
        return None, None
    m = found[0]
    groups = m.groupdict()
    year = int(groups["year"])
    if "a" in groups:
        a, b = int(groups["a"]), int(groups["b"])
        if a != b and a <= 12 and b <= 12:
            return None, m  # 03/04/2024: April in London, March in New York
        day, month = (a, b) if a > 12 else (b, a)
    else:
        mon = groups["mon"]
        month = int(mon) if mon.isdigit() else _MONTHS[mon[:3].casefold()]
        day = int(groups["day"])
    try:
        return datetime.date(year, month, day), m
    except ValueError:
        return None, m


def _strip_metadata(text: str) -> str:
    """What is left of a header line without its dates, times, labels and separators."""
    for pattern in _DATES:
        text = pattern.sub(" ", text)
    text = _TIME.sub(" ", text)
    text = _LABEL.sub(" ", text)
    return re.sub(r"[\s,|•·—–―\-]+", " ", text).strip()


def _outlet_name(candidate: str, *, bare: bool) -> str | None:
    candidate = candidate.strip(" ,.:;")
    if not candidate or len(candidate.split()) > 5:
        return None
    if known := _KNOWN_OUTLETS.get(candidate.casefold()):
        return known
    # In a dateline's parentheses a name is the outlet by convention ("WASHINGTON (Reuters) —").
    if not bare or _OUTLET_WORDS.search(candidate):
        return candidate if candidate[0].isupper() or candidate[0].isdigit() else None
    return None


def _header_segments(paragraph: str) -> list[str] | None:
    """A short paragraph made only of dates, a byline, labels and names, split into its parts."""
    if "\n" in paragraph or len(paragraph.split()) > 20:
        return None
    has_date = _date_in(paragraph)[1] is not None or bool(_TIME.search(paragraph))
    if not (has_date or _BYLINE.match(paragraph) or _LABEL.match(paragraph)):
        return None
    segments = [s for s in _SEPARATORS.split(paragraph) if s.strip(" ,")]
    leftover = [_strip_metadata(_BYLINE.sub("", s)) for s in segments]
    words = " ".join(leftover).split()
    # What remains is names ("AP", "Jane Doe"), never a sentence: "RT, May 3, 2024 — Ties grew." is story.
    if len(words) > 4 or any(w[0].islower() and w not in _HEADER_GLUE for w in words):
        return None
    return segments


def _is_header_only(paragraph: str, index: int) -> bool:
    return (index < _HEADER_ZONE or bool(_LABEL.match(paragraph))) and _header_segments(paragraph) is not None


def _dateline(paragraph: str) -> tuple[str | None, datetime.date | None]:
    found = _DATELINE.match(paragraph)
    if not found:
        return None, None
    head = found["head"]
    if len(head.split()) > 10:
        return None, None
    inner = [m["inner"] for m in _PARENS.finditer(head) if m["inner"]]
    rest = _strip_metadata(_PARENS.sub(" ", head))
    # A dateline head is names only: "RT, December 25, 2022", "WASHINGTON (Reuters)", "9:58 23.02.2023".
    if len(rest.split()) > 4 or any(not w[0].isupper() for w in rest.split() if w[0].isalpha()):
        return None, None
    date, _ = _date_in(head)
    outlet = next((o for s in inner if (o := _outlet_name(s, bare=False))), None)
    if outlet is None and rest:
        outlet = _outlet_name(rest, bare=True)
    return outlet, date


def _labelled_dates(paragraphs: list[str]) -> dict[str, datetime.date]:
    dates: dict[str, datetime.date] = {}
    for paragraph in paragraphs:
        if len(paragraph.split()) > 30:
            continue
        labels = list(_LABEL.finditer(paragraph))
        for n, label in enumerate(labels):
            end = labels[n + 1].start() if n + 1 < len(labels) else len(paragraph)
            date, where = _date_in(paragraph[label.end() : end])
            kind = "updated" if "updated" in label["label"].casefold() else "published"
            if date and where and where.start() <= 3:
                dates.setdefault(kind, date)
    return dates


def _guess_metadata(paragraphs: list[str]) -> tuple[str | None, datetime.date | None]:
    outlet: str | None = None
    date: datetime.date | None = None
    for paragraph in paragraphs[:_HEADER_ZONE]:
        segments = _header_segments(paragraph)
        if segments is not None:
            found, _ = _date_in(paragraph)
            date = date or found
            for segment in segments:
                plain = _strip_metadata(_BYLINE.sub("", segment))
                if plain and not _BYLINE.match(segment) and _date_in(segment)[1] is None:
                    outlet = outlet or _outlet_name(plain, bare=True)
            continue
        found_outlet, found_date = _dateline(paragraph)
        outlet, date = outlet or found_outlet, date or found_date
    labelled = _labelled_dates(paragraphs)
    return outlet, labelled.get("published") or date or labelled.get("updated")
