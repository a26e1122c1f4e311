"""Statement, article, speaker and outlet pages and the JSON API."""

import pytest
from django.urls import reverse

from articles import corrections
from articles.models import Quote, Speaker, Statement
from tests.factories import make_article, make_quote, make_statement_with_renderings, make_user

pytestmark = pytest.mark.django_db
TEXT = "The engine weaves algebraic patterns just as the loom weaves flowers and leaves."


def statement_url(statement, **params):
    return reverse("statement_detail", args=[statement.pk])


def add_variant(statement: Statement, text: str) -> Quote:
    article = make_article(body=f"A report\n\nShe said the engine “{text}” in her notes.")
    return make_quote(
        article=article, text=text, statement=statement, kind="partial", speaker=statement.speaker
    )


def test_the_statement_page_shows_every_rendering_side_by_side_with_differences_marked(client):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    add_variant(statement, "weaves algebraic designs")
    html = client.get(statement_url(statement)).content.decode()
    assert "Ada Lovelace" in html
    assert html.count('class="card"') == 3
    assert "<del>" in html and "<ins>" in html  # "patterns" replaced by "designs", marked beyond colour
    assert "replaced: </span>patterns" in html and "with: </span>designs" in html
    assert 'class="trim"' in html  # the partial quote is shorter than the reference
    assert "×2" in html  # two outlets used the same wording: one alignment row with a count


def test_choosing_another_reference_rerenders_the_comparison(client):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    variant = add_variant(statement, "weaves algebraic designs")
    response = client.get(statement_url(statement), {"ref": variant.pk}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="comparison"' in html
    assert "Reference rendering" in html and "“weaves algebraic designs”</blockquote>" in html


def test_a_reference_choice_works_as_a_plain_link(client):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    variant = add_variant(statement, "weaves algebraic designs")
    html = client.get(statement_url(statement), {"ref": variant.pk}).content.decode()
    assert "<html" in html and "“weaves algebraic designs”</blockquote>" in html


def test_an_inferred_speaker_says_so(client):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    variant = add_variant(statement, "weaves algebraic designs")
    Quote.objects.filter(pk=variant.pk).update(
        speaker_decided_by="inferred", speaker_as_written="a mathematician"
    )
    html = client.get(statement_url(statement)).content.decode()
    assert "inferred from other outlets" in html and "“a mathematician”" in html


@pytest.mark.parametrize(("renderings", "queries"), [(2, 5), (9, 5), (25, 10), (60, 10)])
def test_the_statement_page_costs_a_constant_number_of_queries(
    client, django_assert_num_queries, renderings, queries
):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=renderings)
    # Up to a page of articles: the statement, its renderings, their labels, its changes after publication, the
    # history. Past that: the statement, its reference, the articles counted and one page of them, that page's
    # renderings and their labels, the wordings counted and their first renderings, the changes, the history.
    with django_assert_num_queries(queries):
        assert client.get(statement_url(statement)).status_code == 200


@pytest.mark.parametrize("quotes", [1, 6])
def test_the_article_page_highlights_quotes_in_constant_queries(client, django_assert_num_queries, quotes):
    words = [f"word{n}" for n in range(quotes)]
    body = "Headline\n\n" + " ".join(f"He said “{w}” then." for w in words)
    article = make_article(body=body)
    for word in words:
        make_quote(article=article, text=word, statement=Statement.objects.create())
    with django_assert_num_queries(3):  # the article, its quotes, its earlier versions
        html = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert html.count('class="q q-direct"') == quotes


def test_markup_in_an_article_is_shown_as_text_never_run(client):
    body = 'Title <script>alert(1)</script>\n\nHe said “<img src=x onerror=alert(2)>” and <a href="javascript:x">y</a>.'
    article = make_article(body=body, title="Title <script>alert(1)</script>")
    make_quote(article=article, text="<img src=x onerror=alert(2)>", statement=Statement.objects.create())
    html = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and 'href="javascript:' not in html


def test_an_article_links_to_its_original_only_over_http(client):
    stored = make_article(url="javascript:alert(document.cookie)")  # stored before addresses were checked
    assert 'href="javascript:' not in client.get(reverse("article_detail", args=[stored.pk])).content.decode()
    linked = make_article(url="https://courier.example/a")
    html = client.get(reverse("article_detail", args=[linked.pk])).content.decode()
    assert 'href="https://courier.example/a"' in html


@pytest.mark.parametrize("statements", [1, 5])
def test_the_speaker_page_lists_names_statements_and_outlets(client, django_assert_num_queries, statements):
    for n in range(statements):
        make_statement_with_renderings(speaker_name="Ada Lovelace", text=f"{TEXT} {n}", outlets=2)
    speaker = Speaker.objects.get(name="Ada Lovelace")
    speaker.aliases.create(name="A. Lovelace", evidence="same role")
    with django_assert_num_queries(6):  # speaker, aliases, statements (count, page), outlets, merges
        html = client.get(reverse("speaker_detail", args=[speaker.pk])).content.decode()
    assert "A. Lovelace" in html and html.count("/statements/") >= statements


@pytest.mark.parametrize("articles", [1, 5])
def test_the_outlet_page_counts_renderings_that_differ(client, django_assert_num_queries, articles):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=articles)
    outlet = statement.reference.article.outlet
    with django_assert_num_queries(6):
        html = client.get(reverse("outlet_detail", args=[outlet.pk])).content.decode()
    assert "1 rendering of statements" in html and "0 (0%) differ" in html


@pytest.mark.parametrize("name", ["statement_detail", "article_detail", "speaker_detail", "outlet_detail",
                                  "api_statement_detail"])  # fmt: skip
def test_unknown_ids_are_404(client, name):
    assert client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["statement_detail", "article_detail", "speaker_detail", "outlet_detail"])
def test_pages_refuse_writes(client, name):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    pk = {"statement_detail": statement.pk, "article_detail": statement.reference.article_id,
          "speaker_detail": statement.speaker_id, "outlet_detail": statement.reference.article.outlet_id}[name]  # fmt: skip
    assert client.post(reverse(name, args=[pk])).status_code == 405


def test_the_api_returns_the_same_data_as_the_pages(client):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=1)
    listing = client.get(reverse("api_statement_list"), {"q": "loom"}).json()
    assert listing["count"] == 1 and listing["results"][0]["speaker"] == "Ada Lovelace"
    detail = client.get(reverse("api_statement_detail", args=[statement.pk])).json()
    assert detail["speaker"] == "Ada Lovelace" and len(detail["renderings"]) == 2
    rendering = detail["renderings"][0]
    assert {"text", "kind", "start", "end", "article"} <= set(rendering)
    assert {"speaker_confidence", "statement_confidence", "label_confidence"} <= set(rendering)
    quote = statement.renderings.get(pk=rendering["id"])
    corrections.add_label(actor=make_user("journalist"), quote=quote, label="verbatim", severity=0)
    detail = client.get(reverse("api_statement_detail", args=[statement.pk])).json()
    assert [r["label_confidence"] for r in detail["renderings"] if r["id"] == quote.pk] == [1.0]
    assert {"outlet", "published"} <= set(rendering["article"])


def test_the_api_rejects_bad_filters_with_400(client):
    assert client.get(reverse("api_statement_list"), {"date_from": "yesterday"}).status_code == 400


@pytest.mark.parametrize("size", [1, 6])
def test_the_api_costs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    statement = None
    for n in range(size):
        statement = make_statement_with_renderings(
            speaker_name=f"Speaker {n}", text=f"{TEXT} {n}", outlets=size
        )
    with django_assert_num_queries(2):  # count, page
        client.get(reverse("api_statement_list"))
    with django_assert_num_queries(4):  # statement, renderings, labels, changes after publication
        client.get(reverse("api_statement_detail", args=[statement.pk]))


# --- the statement page caches its word alignment; nothing it shows may go stale --------------------------


def test_the_page_follows_labels_references_and_new_renderings_after_being_cached(client):
    from articles import corrections
    from tests.factories import make_user

    journalist = make_user("journalist")
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    url = statement_url(statement)
    client.get(url)  # cached from here on
    variant = add_variant(statement, "weaves algebraic designs")
    html = client.get(url).content.decode()
    assert html.count('class="card"') == 2 and "replaced: </span>patterns" in html
    corrections.add_label(actor=journalist, quote=variant, label="word_substitution", severity=2)
    assert "✓ word substitution" in client.get(url).content.decode()
    corrections.set_reference(actor=journalist, statement=statement, quote=variant)
    html = client.get(url).content.decode()
    assert "“weaves algebraic designs”</blockquote>" in html and "replaced: </span>designs" in html
    corrections.reject_quote(actor=journalist, quote=variant)
    html = client.get(url).content.decode()
    assert html.count('class="card"') == 1 and f"“{TEXT}”</blockquote>" in html
    assert "designs</ins>" not in html and "designs</del>" not in html


def test_article_details_are_read_fresh_around_the_cached_alignment(client):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    client.get(statement_url(statement))
    outlet = statement.reference.article.outlet
    outlet.name = "The Renamed Gazette"
    outlet.save()
    html = client.get(statement_url(statement)).content.decode()
    assert html.count("The Renamed Gazette") >= 2  # in the alignment row and on the card


def test_the_cache_keys_name_every_text_and_id_the_markup_depends_on():
    from articles.comparison import compare, counted_in, counted_wordings
    from articles.views.statements import renderings_of

    def comparison(statement, reference, page=None):
        quotes = renderings_of(statement)
        wordings, total = counted_in(quotes, reference)
        assert (wordings, total) == counted_wordings(statement.pk, reference)  # the two counts agree
        return compare(reference=reference, wordings=wordings, wordings_total=total, quotes=page or quotes)

    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    variant = add_variant(statement, "weaves algebraic designs")
    quotes = renderings_of(statement)
    reference = quotes[0]
    first = comparison(statement, reference)
    assert comparison(statement, reference) == first
    keys = {first.key}
    add_variant(statement, "weaves algebraic drawings")  # a new wording: a new row
    changed = comparison(statement, reference)
    keys.add(changed.key)
    assert len(keys) == 2 and "drawings" in {cell.words for w in changed.wordings for cell in w.cells}
    keys.add(comparison(statement, quotes[1]).key)
    assert len(keys) == 3
    # A rendering's diff markup has a key of its own, from the reference and its text and kind.
    diffs = {r.quote.pk: r.key for card in first.cards for r in card.renderings}
    variant.kind = "headline"
    again = comparison(statement, reference, [quotes[0], variant])
    assert {r.quote.pk: r.key for card in again.cards for r in card.renderings}[variant.pk] != diffs[
        variant.pk
    ]


def test_a_statement_carried_by_many_outlets_shows_one_row_per_wording_and_pages_its_articles(client):
    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=45)
    add_variant(statement, "weaves algebraic designs")
    html = client.get(statement_url(statement)).content.decode()
    assert html.count('class="card"') == 20 and "Articles 1–20 of 46" in html
    assert "×45" in html and "and 39 more" in html  # six outlets named in the wording's row
    assert html.count("<tr") == 3  # the header, the reference's wording, the variant's
    last = client.get(statement_url(statement), {"page": 3}).content.decode()
    assert last.count('class="card"') == 6 and "Articles 41–46 of 46" in last


def test_a_label_given_on_the_second_page_of_articles_answers_with_that_page(client):
    from tests.factories import make_user

    statement = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=25)
    client.force_login(make_user("journalist"))
    html = client.get(statement_url(statement), {"page": 2}).content.decode()
    quote_id = int(html.split('action="/quotes/')[1].split("/")[0])
    response = client.post(
        f"/quotes/{quote_id}/labels/?page=2",
        {"label": "verbatim", "severity": "0", "note": ""},
        headers={"HX-Request": "true"},
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and "Articles 21–25 of 25" in fragment
    assert "✓ verbatim" in fragment


def test_error_pages_are_in_the_products_look_with_a_way_back(client):
    from django.template.loader import render_to_string

    from tests.factories import make_user

    missing = client.get(reverse("statement_detail", args=[999999]))
    assert missing.status_code == 404
    client.force_login(make_user(None, "plain"))
    refused = client.get(reverse("upload"))
    assert refused.status_code == 403
    failed = render_to_string("500.html")  # Django renders it without a request
    for html in (missing.content.decode(), refused.content.decode(), failed):
        assert "verbatim.css" in html and 'href="/"' in html and "All statements" in html


def test_the_api_answers_a_missing_statement_in_json(client):
    response = client.get(reverse("api_statement_detail", args=[999999]))
    assert response.status_code == 404 and response.json() == {"error": "no statement 999999"}


def test_a_statement_whose_outlets_are_not_stated_says_so_rather_than_zero_outlets(client):
    body = "Headline\n\nHe said “we will rebuild the harbour wall” on Monday."
    statement = Statement.objects.create()
    for n in range(2):
        article = make_article(body=body + " " * n, outlet=None)
        make_quote(article=article, text="we will rebuild the harbour wall", statement=statement)
    statement.refresh_from_db()
    Statement.objects.filter(pk=statement.pk).recompute()
    statement.refresh_from_db()
    assert (statement.rendering_count, statement.outlet_count) == (2, 0)
    html = client.get(reverse("statement_detail", args=[statement.pk])).content.decode()
    assert "outlet not stated ·" in html and "0 outlets" not in html
    listed = client.get(reverse("statement_list")).content.decode()
    assert "not stated</span>" in listed
