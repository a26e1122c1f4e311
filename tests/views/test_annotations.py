"""Journalists' write endpoints: permission matrix, CSRF, htmx fragments, exports."""

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import AuditEvent, Outlet, Quote, Speaker, Statement, VariantLabel
from tests.factories import make_quote, make_statement_with_renderings, make_user

pytestmark = pytest.mark.django_db
TEXT = "The engine weaves algebraic patterns just as the loom weaves flowers and leaves."


@pytest.fixture
def world():
    a = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    b = make_statement_with_renderings(
        speaker_name="Alan Turing", text="Machines can think, he wrote.", outlets=1
    )
    quote = a.renderings.exclude(pk=a.reference_id).first()
    return {"a": a, "b": b, "quote": quote}


def write_requests(world):
    a, b, quote = world["a"], world["b"], world["quote"]
    return {
        "label": (
            reverse("label_quote", args=[quote.pk]),
            {"label": "trimmed", "severity": "1", "note": "n"},
        ),
        "confirm": (reverse("confirm_label", args=[quote.pk]), {}),
        "move": (reverse("move_quote", args=[quote.pk]), {"statement": ""}),
        "speaker": (reverse("change_speaker", args=[quote.pk]), {"name": "Charles Babbage", "new": "on"}),
        "reject": (reverse("reject_quote", args=[quote.pk]), {}),
        "merge": (reverse("merge_statements", args=[a.pk]), {"other": b.pk}),
        "reference": (reverse("set_reference", args=[a.pk]), {"quote": quote.pk}),
        "merge_speakers": (reverse("merge_speakers", args=[a.speaker_id]), {"other": b.speaker_id}),
    }


WRITES = ["label", "confirm", "move", "speaker", "reject", "merge", "reference", "merge_speakers"]


def state():
    return (
        sorted(Quote.objects.values_list("pk", "statement_id", "speaker_id", "not_a_quote")),
        VariantLabel.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("role", [None, "reader"])
def test_anonymous_and_plain_users_cannot_write(client, world, write, role):
    if role:
        client.force_login(make_user(None))
    url, data = write_requests(world)[write]
    before = state()
    response = client.post(url, data)
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("role", ["journalist", "admin"])
def test_journalists_and_admins_can_write_and_each_write_is_audited(client, world, write, role):
    client.force_login(make_user(role))
    url, data = write_requests(world)[write]
    before = state()
    response = client.post(url, data)
    assert response.status_code == 302
    assert state() != before and AuditEvent.objects.exists()


@pytest.mark.parametrize("write", WRITES)
def test_writes_are_post_only(client, world, write):
    client.force_login(make_user("journalist"))
    url, _ = write_requests(world)[write]
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("write", WRITES)
def test_writes_without_a_csrf_token_are_refused(world, write):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("journalist"))
    url, data = write_requests(world)[write]
    before = state()
    assert client.post(url, data).status_code == 403
    assert state() == before


def test_an_htmx_label_returns_the_comparison_fragment_with_the_label(client, world):
    client.force_login(make_user("journalist", username="jdoe"))
    url, data = write_requests(world)["label"]
    response = client.post(url, data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="comparison"' in html
    assert "✓ trimmed" in html and "jdoe" in html and "History" in html


def test_disagreeing_labels_are_shown_as_such(client, world):
    quote = world["quote"]
    for username, label in [("ann", "trimmed"), ("bob", "paraphrase")]:
        client.force_login(make_user("journalist", username=username))
        client.post(reverse("label_quote", args=[quote.pk]), {"label": label, "severity": "1"})
    html = client.get(reverse("statement_detail", args=[world["a"].pk])).content.decode()
    assert "journalists disagree" in html and "ann" in html and "bob" in html


def test_an_invalid_label_is_reported_not_stored(client, world):
    client.force_login(make_user("journalist"))
    url, _ = write_requests(world)["label"]
    response = client.post(url, {"label": "rumour", "severity": "9"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Label not saved" in response.content.decode()
    assert not VariantLabel.objects.exists()


def test_undo_through_the_page(client, world):
    client.force_login(make_user("journalist"))
    url, data = write_requests(world)["speaker"]
    before = state()[0]
    client.post(url, data)
    event = AuditEvent.objects.get()
    assert client.post(reverse("undo", args=[event.pk])).status_code == 302
    assert state()[0] == before


def test_exports_parse_back(client, world):
    client.force_login(make_user("journalist"))
    client.post(reverse("label_quote", args=[world["quote"].pk]), {"label": "trimmed", "severity": "1"})
    data = json.loads(b"".join(client.get(reverse("export_statements_json")).streaming_content))
    assert {s["id"] for s in data} == {world["a"].pk, world["b"].pk}
    labels = [lab for s in data for r in s["renderings"] for lab in r["labels"]]
    assert labels[0]["label"] == "trimmed"
    text = b"".join(client.get(reverse("export_statements_csv")).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Quote.objects.count()
    assert any("trimmed/1" in row["labels"] for row in rows)


def test_the_csv_export_never_hands_a_spreadsheet_a_formula(client, world):
    hostile = '=HYPERLINK("http://x.example","open")'
    statement = make_statement_with_renderings(speaker_name="@SUM(A1)", text=hostile, outlets=1)
    quote = statement.renderings.get()
    Outlet.objects.filter(pk=quote.article.outlet_id).update(name="+cmd|' /C calc'!A0")
    Statement.objects.filter(pk=statement.pk).update(label="-2+3")
    client.force_login(make_user("journalist"))
    text = b"".join(client.get(reverse("export_statements_csv")).streaming_content).decode()
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["rendering"] == str(quote.pk))
    assert row["text"] == "'" + hostile
    assert row["outlet"] == "'+cmd|' /C calc'!A0"
    assert row["statement_label"] == "'-2+3"
    assert row["speaker"] == "'@SUM(A1)"
    assert row["divergence"] in ("", "0.0", "0")  # numbers stay numbers


HOSTILE = ["x" * 5000, "abc", "1.5", "²", "٣", "\x00", "-1", "9" * 30, "", "new"]


@pytest.mark.parametrize("write", WRITES)
def test_hostile_values_in_every_field_get_an_answer_never_a_server_error(client, world, write):
    client.force_login(make_user("journalist"))
    url, data = write_requests(world)[write]
    for field in [*data, "other", "quote", "statement", "name"]:
        for value in HOSTILE:
            response = client.post(url, {**data, field: value})
            assert response.status_code < 500, (write, field, value[:20])


def test_a_speaker_name_too_long_or_with_control_characters_is_refused_with_a_message(client, world):
    client.force_login(make_user("journalist"))
    url, _ = write_requests(world)["speaker"]
    for name in ["N" * 301, "N" * 301, "Ada\x00 Lovelace"]:  # twice: the second time once hit a unique key
        response = client.post(url, {"name": name, "new": "on"}, headers={"HX-Request": "true"})
        assert response.status_code == 200 and "speaker&#x27;s name" in response.content.decode()
    assert not Speaker.objects.filter(name__startswith="NNN").exists()


def test_a_search_of_any_length_gets_an_answer(client, world):
    long_search = {"q": "ab%_" * 12_500}
    assert client.get(reverse("statement_list"), long_search).status_code == 200
    assert client.get(reverse("api_statement_list"), long_search).status_code == 400


def test_form_errors_show_what_was_typed_escaped_once(client, world):
    client.force_login(make_user("journalist"))
    url = reverse("label_quote", args=[world["quote"].pk])
    html = client.post(
        url, {"label": "<b>x</b>", "severity": "1"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Label not saved" in html and "&lt;b&gt;x&lt;/b&gt;" in html and "&amp;lt;" not in html
    html = client.get(reverse("statement_list"), {"sort": "<b>x</b>"}).content.decode()
    assert "&lt;b&gt;x&lt;/b&gt; is not one of the available choices" in html and "&amp;lt;" not in html


def test_exports_need_a_journalist(client, world):
    assert client.get(reverse("export_statements_csv")).status_code == 302  # to the login page
    client.force_login(make_user(None))
    assert client.get(reverse("export_statements_json")).status_code == 403
    assert (
        "Export CSV" not in client.get(reverse("statement_list")).content.decode()
    )  # no link that answers 403
    client.force_login(make_user("journalist", "jo"))
    assert "Export CSV" in client.get(reverse("statement_list")).content.decode()


def test_the_login_page_is_in_the_products_look(client):
    html = client.get(reverse("login")).content.decode()
    assert "Verbatim" in html and 'name="password"' in html


def test_removing_a_statements_only_rendering_asks_first_and_can_be_undone_with_its_history(client, world):
    client.force_login(make_user("journalist", username="jdoe"))
    b = world["b"]  # one rendering
    only = b.renderings.get()
    page = client.get(reverse("statement_detail", args=[b.pk])).content.decode()
    assert "hx-confirm=" in page and "only rendering" in page
    two = client.get(reverse("statement_detail", args=[world["a"].pk])).content.decode()
    assert "hx-confirm=" not in two  # nothing is removed there
    client.post(reverse("label_quote", args=[only.pk]), {"label": "verbatim", "severity": "0"})
    response = client.post(reverse("reject_quote", args=[only.pk]), headers={"HX-Request": "true"})
    # a whole page, not the comparison part under a stale header
    assert response.headers["HX-Redirect"] == reverse("statement_detail", args=[b.pk])
    assert not Statement.objects.filter(pk=b.pk).exists()
    removed = client.get(reverse("statement_detail", args=[b.pk]))
    html = removed.content.decode()
    assert removed.status_code == 404 and "was removed" in html and "not a quotation" in html
    assert "jdoe" in html and "bring the statement back" in html
    event = AuditEvent.objects.get(action="not a quotation")
    assert client.post(reverse("undo", args=[event.pk])).url == reverse("statement_detail", args=[b.pk])
    restored = client.get(reverse("statement_detail", args=[b.pk])).content.decode()
    # the statement with its history: the earlier label, the removal and its undo
    for action in ("label", "not a quotation", "undo not a quotation"):
        assert f"<strong>{action}</strong>" in restored


def test_a_number_that_never_was_a_statement_is_not_found(client, world):
    assert client.get(reverse("statement_detail", args=[999999])).status_code == 404


def test_an_in_place_correction_brings_the_statements_header_up_to_date(client, world):
    client.force_login(make_user("journalist"))
    b = world["b"]
    htmx = {"HX-Request": "true"}
    moved = client.post(reverse("move_quote", args=[world["quote"].pk]), {"statement": ""}, headers=htmx)
    header = moved.content.decode().split("</header>")[0]
    assert "Ada Lovelace" in header and "1 rendering ·" in header  # was 2
    renamed = client.post(
        reverse("change_speaker", args=[b.renderings.get().pk]),
        {"name": "Charles Babbage", "new": "on"},
        headers=htmx,
    )
    header = renamed.content.decode().split("</header>")[0]
    assert 'id="comparison"' in header and "Charles Babbage" in header and "Alan Turing" not in header


def test_an_error_is_shown_at_the_form_it_came_from(client, world):
    client.force_login(make_user("journalist"))
    quote = world["quote"]
    htmx = {"HX-Request": "true"}
    html = client.post(
        reverse("move_quote", args=[quote.pk]), {"statement": "99999"}, headers=htmx
    ).content.decode()
    form = html.index(reverse("move_quote", args=[quote.pk]))
    error = html.index("No statement &#x27;99999&#x27; to move the rendering to.")
    assert form < error < html.index("Move to statement number", form)  # inside that form, above its field
    assert html.count('role="alert"') == 1 and "autofocus" in html[error - 200 : error]
    html = client.post(reverse("merge_statements", args=[world["a"].pk]), {"other": "x"}, headers=htmx)
    html = html.content.decode()
    assert html.index('id="merge-title"') < html.index("No statement &#x27;x&#x27; to merge.")


def test_proposed_labels_are_judged_against_the_stored_reference_whatever_is_viewed(client, world):
    a = world["a"]
    trimmed = "The engine weaves algebraic patterns"
    article = a.renderings.first().article
    article.body += f" Later: “{trimmed}”."
    article.save(update_fields=["body"])
    partial = make_quote(article=article, text=trimmed, statement=a, kind="partial")
    Statement.objects.filter(pk=a.pk).recompute()
    client.force_login(make_user("journalist"))
    url = reverse("statement_detail", args=[a.pk])
    stored_view = client.get(url).content.decode()
    chosen_view = client.get(url, {"ref": partial.pk}).content.decode()  # viewed against the partial quote
    confirm = f"{reverse('confirm_label', args=[partial.pk])}"
    offered = [
        html.split(confirm)[-1].split("</button>")[0].split("Confirm")[-1]
        for html in (stored_view, chosen_view)
    ]
    assert offered[0] == offered[1] and "trimmed" in offered[0].lower()
    client.post(confirm)
    assert VariantLabel.objects.get(quote=partial).label in offered[1].lower()


def test_a_typo_in_a_speakers_name_creates_no_speaker_a_new_one_is_an_explicit_choice(client, world):
    client.force_login(make_user("journalist"))
    quote, url = world["quote"], reverse("change_speaker", args=[world["quote"].pk])
    html = client.post(url, {"name": "Alan Turnig"}, headers={"HX-Request": "true"}).content.decode()
    assert (
        "No known speaker “Alan Turnig”" in html and not Speaker.objects.filter(name="Alan Turnig").exists()
    )
    assert html.index(url) < html.index("No known speaker")  # at the speaker form
    client.post(url, {"name": "alan  turing"})  # a known one, however typed
    quote.refresh_from_db()
    assert quote.speaker.name == "Alan Turing"
    client.post(url, {"name": "Charles Babbage", "new": "on"})
    quote.refresh_from_db()
    assert quote.speaker.name == "Charles Babbage"


def test_known_speakers_are_offered_as_one_types(client, world):
    Speaker.objects.get(name="Ada Lovelace").aliases.create(name="Countess of Lovelace")
    html = client.get(reverse("speaker_suggestions"), {"name": "countess"}).content.decode()
    assert '<option value="Ada Lovelace">' in html and "Alan Turing" not in html
    html = client.get(reverse("speaker_suggestions"), {"name": "tur"}).content.decode()
    assert '<option value="Alan Turing">' in html
    assert "option" not in client.get(reverse("speaker_suggestions"), {"name": "a"}).content.decode()


def test_speakers_are_merged_on_the_speakers_page_and_the_merge_can_be_undone(client, world):
    client.force_login(make_user("journalist", username="jdoe"))
    ada, alan = Speaker.objects.get(name="Ada Lovelace"), Speaker.objects.get(name="Alan Turing")
    url = reverse("speaker_detail", args=[ada.pk])
    assert "Merge another speaker into Ada Lovelace" in client.get(url).content.decode()
    merge = reverse("merge_speakers", args=[ada.pk])
    html = client.post(merge, {"other_name": "Alan Turnig"}).content.decode()
    assert "No known speaker “Alan Turnig” to merge." in html and Speaker.objects.filter(pk=alan.pk).exists()
    assert client.post(merge, {"other_name": "alan turing"}).url == url
    assert not Speaker.objects.filter(pk=alan.pk).exists()
    html = client.get(url).content.decode()
    assert "Alan Turing" in html and "merge speakers" in html  # written as, and the merge with its undo
    event = AuditEvent.objects.get(action="merge speakers")
    assert client.post(reverse("undo", args=[event.pk])).url == url
    assert Speaker.objects.filter(pk=alan.pk).exists() and not ada.aliases.exists()


def test_renderings_are_named_by_outlet_and_date_never_by_file_name(client, world):
    article = world["b"].renderings.get().article
    article.outlet = None
    article.save(update_fields=["outlet"])
    html = client.get(reverse("statement_detail", args=[world["b"].pk])).content.decode()
    assert article.source_name not in html and "outlet not stated" in html
    assert f'title="{article.title}"' in html  # the headline on hover


def test_the_statement_page_explains_itself_and_offers_a_way_back(client, world):
    client.force_login(make_user("journalist"))
    a, quote = world["a"], world["quote"]
    url = reverse("statement_detail", args=[a.pk])
    html = client.get(url).content.decode()
    assert "3 · severe" in html and "0 word for word, 1 nothing in common" in html  # severity, divergence
    assert '<option value="verbatim" selected>' in html  # the label menu starts at the proposal
    assert "Back to the statement's reference" not in html
    viewed = client.get(url, {"ref": quote.pk}).content.decode()
    assert "Back to the statement's reference" in viewed
    client.post(reverse("change_speaker", args=[quote.pk]), {"name": "Alan Turing"})
    event = AuditEvent.objects.get()
    client.post(reverse("undo", args=[event.pk]))
    html = client.get(url).content.decode()
    assert html.count(reverse("undo", args=[event.pk])) == 0  # undone: its Undo button is gone


def test_words_without_quotation_marks_are_not_shown_inside_them(client, world):
    article = world["a"].renderings.first().article
    article.body += " She said the engine weaves patterns."
    article.save(update_fields=["body"])
    make_quote(article=article, text="the engine weaves patterns", statement=world["a"], kind="indirect")
    html = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert "the engine weaves patterns" in html and "“the engine weaves patterns" not in html
    html = client.get(reverse("statement_detail", args=[world["a"].pk])).content.decode()
    assert '<blockquote class="quote diff">the engine weaves' in html


def test_a_statement_to_merge_is_found_by_words_speaker_or_outlet_and_previewed_with_warnings(client, world):
    client.force_login(make_user("journalist"))
    a, b = world["a"], world["b"]
    find = reverse("merge_candidates", args=[a.pk])
    for typed in ("machines can", "turing", b.renderings.get().article.outlet.name):
        html = client.get(find, {"find": typed}).content.decode()
        assert f"Statement {b.pk}" in html and f"Statement {a.pk}<" not in html, typed
    assert "No other statement" in client.get(find, {"find": "zebra"}).content.decode()
    html = client.get(reverse("merge_preview", args=[a.pk]), {"other": b.pk}).content.decode()
    assert "The speakers differ: Ada Lovelace here, Alan Turing there." in html and "Merge anyway" in html
    client.post(reverse("merge_statements", args=[a.pk]), {"other": b.pk})
    history = client.get(reverse("statement_detail", args=[a.pk])).content.decode()
    assert f"statement {b.pk} (“Machines can think" in history and "None" not in history.split("History")[1]
    assert f'href="{reverse("statement_detail", args=[b.pk])}">see statement {b.pk}' in history
    # and the merged statement's own address says where it went
    gone = client.get(reverse("statement_detail", args=[b.pk])).content.decode()
    assert (
        "merge statements" in gone
        and f'merged into\n  <a href="{reverse("statement_detail", args=[a.pk])}">' in gone
    )
