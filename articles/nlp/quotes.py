"""Quotation spans: where the quotation marks of a text open and close, before any parsing.

Works on characters, paragraph by paragraph, so a stray or unbalanced mark spoils at most its own
paragraph. Nested quotes (‘…’ inside “…”) are absorbed by the outer one; apostrophes (Russia’s, don’t,
rock ’n’ roll, the ’90s, Jones’) are told apart from closing single quotes.

Multi-paragraph quotes follow the newspaper convention: a paragraph that opens a quote without closing it
continues into the next paragraph when that one opens with a quotation mark. We return one span per
paragraph (``continues``/``continued`` link them) so offsets never cross a paragraph break and each
rendering stays displayable on its own; attribution gives the pieces the speaker of the first piece.
"""

import re
from dataclasses import dataclass, replace

DOUBLE_OPEN = "“„‟"
DOUBLE_CLOSE = "”"
SINGLE_OPEN = "‘‚‛"
SINGLE_CLOSE = "’"
GUILLEMET_OPEN = "«‹"
GUILLEMET_CLOSE = "»›"
ALL_MARKS = "\"'“”„‟‘’‚‛«»‹›"
# Where _marks looks: every quotation mark and the backtick of ``…'' (the rest of the text never is one).
_MARK_CANDIDATE = re.compile("[`" + re.escape(ALL_MARKS) + "]")

# Word-initial elisions written with an apostrophe: ’em, ’til, ’cause, ’tis, ’twas, ’n’.
ELISIONS = ("em ", "til ", "cause ", "tis ", "twas ", "n ", "n’", "n'", "bout ", "round ")
OPENING_CONTEXT = " \t\n([{—–-/“‘\"'«„"
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
UNMARKED_PARAGRAPHS = 6  # a quote left open may run on through this many paragraphs without marks


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks
    open_mark: str
    close_mark: str  # "" when the quote runs on to the end of its paragraph
    continued: bool = False  # this paragraph carries on a quote opened in the previous one
    continues: bool = False  # the quote carries on into the next paragraph


@dataclass(frozen=True)
class _Mark:
    pos: int
    char: str
    family: str  # "double" | "single" | "guillemet"
    can_open: bool
    can_close: bool


def paragraph_bounds(*, text: str) -> list[tuple[int, int]]:
    """Char ranges of the paragraphs (separated by blank lines), whitespace-trimmed, empty ones dropped."""
    bounds, pos = [], 0
    for brk in [*PARAGRAPH_BREAK.finditer(text), None]:
        stop = brk.start() if brk else len(text)
        chunk = text[pos:stop]
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk.rstrip())
        if right > left:
            bounds.append((pos + left, pos + right))
        if brk:
            pos = brk.end()
    return bounds


def find_quote_spans(*, text: str) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    paragraphs = paragraph_bounds(text=text)
    carried = False  # the previous paragraph left a quote open and this one opens with a mark
    # Paragraphs up to this one carry on a quote without opening marks (the last of them closes it).
    unmarked_until = -1
    for number, (start, end) in enumerate(paragraphs):
        closer = _orphan_closer(text=text, start=start, end=end)
        if number <= unmarked_until or closer is not None:
            # Carried on without an opening mark (one pair of marks around several paragraphs), or a quote
            # whose opening mark was lost: it runs from the paragraph's start to its closing mark.
            stop = end if closer is None else closer
            close_mark = "" if closer is None else _mark_at(text=text, pos=closer)
            spans.append(QuoteSpan(start, stop, "", close_mark, number <= unmarked_until, closer is None))
            if closer is None:
                continue
            start = closer + len(close_mark)
        found, dangling = _paragraph_spans(text=text, start=start, end=end)
        if carried and found and found[0].start == start + 1:
            found[0] = replace(found[0], continued=True)
        carried_in, carried = carried, False
        if dangling is not None:
            next_opens = number + 1 < len(paragraphs) and _opens_with_mark(
                text=text, start=paragraphs[number + 1][0]
            )
            # An opener at the paragraph's start or after a colon ("He said: ‘…") may run on past its end, into
            # paragraphs that open with a mark, or into unmarked ones up to the paragraph that closes it.
            opens_clause = dangling == start or text[start:dangling].rstrip().endswith(":")
            if opens_clause and not next_opens:
                closing = _closing_paragraph(text=text, paragraphs=paragraphs, after=number)
                if closing is not None:
                    unmarked_until, next_opens = closing, True
            # An unclosed quote is kept if it runs on into the next paragraph or opens its paragraph
            # (a one-paragraph quote left open); a stray mark mid-paragraph is dropped.
            if next_opens or dangling == start:
                found.append(
                    QuoteSpan(
                        start=dangling + 1,
                        end=end,
                        open_mark=text[dangling],
                        close_mark="",
                        continued=carried_in and dangling == start,
                        continues=next_opens,
                    )
                )
                carried = next_opens
        spans.extend(found)
    return [s for s in spans if text[s.start : s.end].strip(ALL_MARKS + " .,;:!?")]


def _mark_at(*, text: str, pos: int) -> str:
    return "''" if text[pos : pos + 2] == "''" else text[pos]


def _orphan_closer(*, text: str, start: int, end: int) -> int | None:
    """Where a paragraph's first quotation mark closes a quote that nothing in it opened: a double mark, or a
    single one right after the paragraph's last sentence (elsewhere a ’ may be a plural possessive)."""
    marks = _marks(text=text, start=start, end=end)
    if not marks or not marks[0].can_close or marks[0].can_open:
        return None
    first = marks[0]
    if text[first.pos - 1] not in ".!?,…" or len(text[start : first.pos].split()) < 3:
        return None  # "Broken ” closer": a stray, not the end of quoted words
    if first.family == "double":
        return first.pos
    ends_paragraph = not text[first.pos + 1 : end].strip(" .,")
    return first.pos if first.family == "single" and ends_paragraph else None


def _closing_paragraph(*, text: str, paragraphs: list[tuple[int, int]], after: int) -> int | None:
    """The paragraph that closes a quote left open at the end of paragraph `after`, when the ones between
    carry no marks at all."""
    for number in range(after + 1, min(len(paragraphs), after + 1 + UNMARKED_PARAGRAPHS)):
        start, end = paragraphs[number]
        if _marks(text=text, start=start, end=end):
            return number if _orphan_closer(text=text, start=start, end=end) is not None else None
    return None


def _opens_with_mark(*, text: str, start: int) -> bool:
    return start < len(text) and text[start] in "“„‘«\"'" and not _is_apostrophe(text=text, pos=start)


def _paragraph_spans(*, text: str, start: int, end: int) -> tuple[list[QuoteSpan], int | None]:
    """Outermost quote spans of one paragraph and the position of an unclosed opening mark, if any.

    A mid-paragraph opener that never closes is a stray: we rescan without it so it cannot swallow the
    quotes after it.
    """
    ignored: set[int] = set()
    while True:
        spans, dangling = _scan(text=text, start=start, end=end, ignored=ignored)
        if dangling is None or dangling == start or len(ignored) > 8:
            return spans, dangling
        # Only an unclosed opener at the very start of the paragraph may run on to its end.
        ignored.add(dangling)
        if not _has_later_mark(text=text, pos=dangling, end=end):
            spans2, _ = _scan(text=text, start=start, end=end, ignored=ignored)
            return spans2, dangling


def _has_later_mark(*, text: str, pos: int, end: int) -> bool:
    return any(c in ALL_MARKS for c in text[pos + 1 : end])


def _scan(*, text: str, start: int, end: int, ignored: set[int]) -> tuple[list[QuoteSpan], int | None]:
    marks = [m for m in _marks(text=text, start=start, end=end) if m.pos not in ignored]
    spans: list[QuoteSpan] = []
    stack: list[_Mark] = []
    for i, mark in enumerate(marks):
        open_families = [m.family for m in stack]
        if mark.can_close and mark.family in open_families:
            if mark.family == "single" and mark.can_open and not _closer_fits(marks=marks, index=i):
                continue  # Jones’ car: a possessive inside a single-quoted span that closes later
            while stack and stack[-1].family != mark.family:
                stack.pop()  # an inner quote left open is absorbed by the outer one
            opener = stack.pop()
            if not stack:
                spans.append(
                    QuoteSpan(start=opener.pos + 1, end=mark.pos, open_mark=opener.char, close_mark=mark.char)
                )
        elif mark.can_open:
            if (
                mark.family == "single"
                and mark.char in "’'"
                and mark.pos > start
                and text[mark.pos - 1].isalnum()
            ):
                continue  # "Sanders’ campaign" closing nothing: a possessive, never an opener
            if mark.family == "double" and "double" in open_families:
                # Quotes do not nest in their own family: the earlier opener was a stray.
                while stack and stack[-1].family != "double":
                    stack.pop()
                stack.pop()
            if (
                mark.family == "single"
                and not stack
                and mark.char == "'"
                and not _has_closer(marks=marks, index=i)
            ):
                continue  # a lone straight apostrophe-like mark
            stack.append(mark)
    return spans, (stack[0].pos if stack else None)


def _closer_fits(*, marks: list[_Mark], index: int) -> bool:
    """For a ’ that could be a possessive: close here unless a cleaner closer follows."""
    later = [m for m in marks[index + 1 :] if m.family == "single"]
    return not any(m.can_close and not m.can_open for m in later)


def _has_closer(*, marks: list[_Mark], index: int) -> bool:
    return any(m.family == "single" and m.can_close for m in marks[index + 1 :])


def _marks(*, text: str, start: int, end: int) -> list[_Mark]:
    marks = []
    for found in _MARK_CANDIDATE.finditer(text, start, end):
        pos, char = found.start(), found.group()
        if char == "`" and text[pos + 1 : pos + 2] == "`":
            continue  # ``…'' (wire copy): the second backtick is the opening mark
        if char == "`" and pos > start and text[pos - 1] == "`":
            marks.append(_Mark(pos, "`", "double", True, False))
            continue
        if char == "'" and text[pos + 1 : pos + 2] == "'" and pos + 1 < end:
            marks.append(_Mark(pos, "''", "double", False, True))  # the closer of ``…''
            continue
        if char == "'" and pos > start and text[pos - 1] == "'":
            continue
        if char not in ALL_MARKS:
            continue
        before = text[pos - 1] if pos > start else " "
        after = text[pos + 1] if pos + 1 < end else " "
        left_flank = before in OPENING_CONTEXT  # nothing attached before: looks like an opener
        if before in "'’" and pos - 2 >= start and not text[pos - 2].isspace() and char in '"”':
            left_flank = False  # ‘…,’" : an inner quote closed just before, so this mark closes too
        right_flank = not after.isalnum()  # nothing attached after: looks like a closer
        if char in DOUBLE_OPEN:
            # „…“ (German style) closes with “; a “ glued to the word before it closes too.
            marks.append(_Mark(pos, char, "double", True, char == "“" and not left_flank))
        elif char in DOUBLE_CLOSE:
            marks.append(_Mark(pos, char, "double", left_flank and not right_flank, True))
        elif char == '"':
            marks.append(_Mark(pos, char, "double", left_flank or not right_flank, not left_flank))
        elif char in GUILLEMET_OPEN:
            marks.append(_Mark(pos, char, "guillemet", True, False))
        elif char in GUILLEMET_CLOSE:
            marks.append(_Mark(pos, char, "guillemet", False, True))
        elif _is_apostrophe(text=text, pos=pos, start=start, end=end):
            continue
        elif char in SINGLE_OPEN:
            marks.append(_Mark(pos, char, "single", True, False))
        else:  # ’ or '
            can_open = left_flank and not right_flank
            can_close = not left_flank
            # Jones’ car / the players’ union: a plural possessive may also be a closer; decided in _scan.
            possessive = before == "s" and after == " " and pos + 2 < end and text[pos + 2].isalnum()
            marks.append(_Mark(pos, char, "single", can_open or possessive, can_close))
    return marks


def _is_apostrophe(*, text: str, pos: int, start: int = 0, end: int | None = None) -> bool:
    end = len(text) if end is None else end
    char = text[pos]
    if char not in "'’‘":
        return False
    before = text[pos - 1] if pos > start else " "
    after = text[pos + 1] if pos + 1 < end else " "
    if before.isalnum() and after.isalpha():
        return True  # Russia’s, don’t, O’Brien
    if (before.isspace() or pos == start) and after.isdigit():
        # the ’90s, class of ’22 (but not a quote that opens with a number: ‘2 billion’ is rare)
        return bool(re.match(r"\d\ds?\b", text[pos + 1 : pos + 5]))
    if before.isspace() or pos == start:
        tail = text[pos + 1 : pos + 8].lower()
        if tail.startswith(ELISIONS):
            return True
    # rock ’n’ roll: the second mark of ’n’
    return before == "n" and pos >= 2 and text[pos - 2] in "'’" and after == " "
