import re

from django import forms
from django.core.validators import URLValidator
from django.db.models import Case, Q, When

from articles.models import Feed, Label, Outlet, QuoteChange, QuoteKind, Speaker

SORTS = {
    "outlets": ["-outlet_count", "-rendering_count", "-occasion_date", "pk"],
    "divergent": ["-divergence", "-outlet_count", "pk"],
    "newest": ["-occasion_date", "-created_at", "pk"],
    "primary": ["without_primary", "-divergence", "pk"],  # those with a primary source first, farthest first
}


# Every address a person gives is http(s): a javascript: or file: one would be a link on our pages.
WEB_ADDRESS = URLValidator(schemes=["http", "https"], message="Enter an http or https address.")


def web_address_field(label: str, help_text: str = "") -> forms.URLField:
    return forms.URLField(
        required=False,
        max_length=2000,
        label=label,
        assume_scheme="https",
        validators=[WEB_ADDRESS],
        help_text=help_text,
    )


def typed_id(value: str | None) -> int | None:
    """A row id a person typed or a link carried, or None: only ASCII digits make an id ("²" is a digit to
    str.isdigit but not to int()), and "1.5" or 30 digits are no row's id either."""
    value = (value or "").strip()
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else None


def typed_text(value: str | None, limit: int = 200) -> str:
    """What a person typed into a search or name field, its spaces collapsed, cut to `limit` characters (for a
    query, and to quote back in a message)."""
    return " ".join((value or "").split())[:limit]


def errors_text(form: forms.Form) -> str:
    """A form's errors as plain text for a message (the template escapes it once; Django's as_text() already
    has, which showed "&lt;script&gt;" to the user)."""

    def named(field: str) -> str:  # the field as the page labels it, not its name in the code
        found = form.fields.get(field)
        return str(found.label) if found and found.label else field.replace("_", " ").capitalize()

    return "; ".join(
        f"{named(field)}: {error['message']}" if field != "__all__" else error["message"]
        for field, errors in form.errors.get_json_data().items()
        for error in errors
    )


class StatementFilterForm(forms.Form):
    """The statements list's search, filters and sort (all optional; bad values are ignored with a message)."""

    # a search is a few words: a longer one is refused (SQLite answers an error for very long LIKE patterns)
    q = forms.CharField(required=False, max_length=200, label="Search quotes and speakers")
    # Speakers are too many for a menu: the filter is set by links from speaker pages and shown as a chip.
    speaker = forms.ModelChoiceField(Speaker.objects.all(), required=False, widget=forms.HiddenInput)
    outlet = forms.ModelChoiceField(Outlet.objects.all(), required=False, empty_label="any outlet")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    several_outlets = forms.BooleanField(required=False, label="Reported by two or more outlets")
    changed = forms.BooleanField(required=False, label="Changed after publication")
    primary = forms.BooleanField(required=False, label="Has a primary source")
    disputed = forms.BooleanField(required=False, label="Journalists disagree on a label")
    label = forms.ChoiceField(choices=[("", "any label"), *Label.choices], required=False)
    sort = forms.ChoiceField(
        choices=[
            ("outlets", "most outlets"),
            ("divergent", "most divergent"),
            ("newest", "newest"),
            ("primary", "farthest from the primary source"),
        ],
        required=False,
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error(
                None, f"From ({start:%-d %b %Y}) is after To ({end:%-d %b %Y}): no date lies between them."
            )
        return data

    def filter(self, statements):
        """The statements the valid filters select (an invalid one is left out of cleaned_data: ignored)."""
        data = self.cleaned_data
        statements = statements.search(data.get("q") or "")
        if data.get("speaker"):
            statements = statements.filter(speaker=data["speaker"])
        if data.get("outlet"):
            statements = statements.filter(renderings__article__outlet=data["outlet"]).distinct()
        if data.get("date_from"):
            statements = statements.filter(occasion_date__gte=data["date_from"])
        if data.get("date_to"):
            statements = statements.filter(occasion_date__lte=data["date_to"])
        if data.get("several_outlets"):
            statements = statements.filter(outlet_count__gte=2)
        if data.get("changed"):
            statements = statements.filter(pk__in=QuoteChange.objects.values("statement_id"))
        if data.get("primary"):
            statements = statements.filter(reference__kind=QuoteKind.PRIMARY)
        if data.get("disputed"):
            from articles.review import disputed_quotes

            statements = statements.filter(renderings__in=disputed_quotes()).distinct()
        if data.get("sort") == "primary":
            primary = Q(reference__kind=QuoteKind.PRIMARY)
            statements = statements.alias(without_primary=Case(When(primary, then=0), default=1))
        if data.get("label"):
            statements = statements.filter(renderings__labels__label=data["label"]).distinct()
        return statements.order_by(*SORTS[data.get("sort") or "outlets"])


# --- uploads ----------------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; every file is checked by FileField's own rules."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class UploadForm(forms.Form):
    """Files and/or pasted text, with metadata that applies to every article of the batch."""

    files = MultipleFileField(required=False, allow_empty_file=True, label="Files")
    text = forms.CharField(
        required=False, strip=False, label="Or paste an article", widget=forms.Textarea(attrs={"rows": 8})
    )
    links = forms.CharField(
        required=False,
        label="Or give links",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://…", "spellcheck": "false"}),
    )
    outlet = forms.CharField(required=False, max_length=200, label="Outlet")
    published = forms.DateField(
        required=False, label="Publication date", widget=forms.DateInput(attrs={"type": "date"})
    )
    url = web_address_field("URL")

    def __init__(self, *args, limits=None, **kwargs):
        from articles.sources import ACCEPTED
        from articles.uploads import current_limits

        super().__init__(*args, **kwargs)
        self.limits = limits or current_limits()
        self.fields["files"].widget.attrs["accept"] = ",".join(ACCEPTED)

    def clean_links(self) -> list[str]:
        """One web address a line; every line that is not one is named at once."""
        links, wrong = [], []
        check = WEB_ADDRESS
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            if not (link := line.strip()):
                continue
            try:
                if len(link) > 2000:
                    raise forms.ValidationError("too long")
                check(link)
            except forms.ValidationError:
                wrong.append(f"line {number} ({typed_text(link, 80)}) is not an http or https address")
                continue
            links.append(link)
        if wrong:
            raise forms.ValidationError("; ".join(wrong).capitalize() + ".")
        return links

    def clean(self):
        from articles.uploads import problems

        data = super().clean()
        for problem in problems(
            files=data.get("files") or [],
            text=data.get("text") or "",
            links=data.get("links") or [],
            limits=self.limits,
        ):
            self.add_error(None, problem)
        return data


class FeedForm(forms.ModelForm):
    """A feed to follow: its address, the outlet of its articles (optional) and how often to poll it."""

    class Meta:
        model = Feed
        fields = ["url", "outlet", "interval"]
        labels = {"url": "Feed address", "interval": "Poll every (minutes)"}
        widgets = {"url": forms.URLInput(attrs={"placeholder": "https://…/rss.xml"})}
        error_messages = {"url": {"unique": "This feed is already followed."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].validators.append(WEB_ADDRESS)
        self.fields["url"].assume_scheme = "https"


class PrimarySourceForm(forms.Form):
    """The primary text of an occasion: pasted, or a link to fetch; who speaks in it, when, and where from."""

    text = forms.CharField(
        required=False,
        strip=False,
        label="Text",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="A transcript, a speech as published or a press release. In a transcript each turn starts "
        "a line with the speaker's name and a colon (“BERG: …”); questions (“Q: …”) are left out.",
    )
    link = web_address_field("Or its address", "The page is fetched and its text read.")
    speakers = forms.CharField(
        max_length=1000,
        label="Who speaks",
        help_text="One name, or several separated by commas (the speakers of a transcript's turns).",
    )
    # (a date input reads only ISO dates: the locale's 14/05/2024 would show an empty field)
    published = forms.DateField(
        label="Date", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    title = forms.CharField(required=False, max_length=300, label="Title")
    url = web_address_field("URL", "Where it was published (the address above, if given).")

    def clean_speakers(self) -> list[str]:
        names = [typed_text(name, 200) for name in self.cleaned_data["speakers"].split(",")]
        if not (names := [name for name in names if name]):
            raise forms.ValidationError("Name who speaks.")
        return names

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("link") and not self.has_error("link"):
            self.add_error(None, "Paste the text or give its address.")
        return data
