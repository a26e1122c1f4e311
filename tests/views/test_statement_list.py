import pytest
from django.urls import reverse

from tests.factories import make_statement_with_renderings

pytestmark = pytest.mark.django_db
URL = reverse("statement_list")


def test_it_shows_the_empty_state(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "No statements yet" in response.content.decode()


def test_it_lists_stored_statements_with_their_counts(client):
    make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=3)
    make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=1)
    html = client.get(URL).content.decode()
    assert "Ada Lovelace" in html and "Alan Turing" in html
    assert html.index("Ada Lovelace") < html.index("Alan Turing")  # most outlets first
    assert "No statements yet" not in html


def test_the_article_count_is_read_at_most_once_a_minute_and_not_by_htmx_updates(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=3)
    assert "3 articles stored" in client.get(URL).content.decode()
    make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=1)
    with CaptureQueriesContext(connection) as queries:
        assert "3 articles stored" in client.get(URL).content.decode()  # counted a moment ago
        client.get(URL, headers={"HX-Request": "true"})
    assert not any(
        'COUNT(*) AS "__count" FROM "articles_article"' in q["sql"] for q in queries.captured_queries
    )


def test_search_narrows_the_list(client):
    make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=1)
    make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=1)
    html = client.get(URL, {"q": "machines"}).content.decode()
    assert "Alan Turing" in html and "Ada Lovelace" not in html


def test_an_htmx_request_gets_only_the_results_fragment(client):
    make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=1)
    response = client.get(URL, {"q": "engine"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="results"' in html and "Ada Lovelace" in html


def test_the_page_loads_htmx_locally_under_a_strict_csp(client):
    response = client.get(URL)
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "script-src 'self' 'nonce-" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'<script src="/static/django_htmx/htmx-2.min.js" defer nonce="{nonce}">' in html
    assert "https://" not in html.split("<body")[0]  # nothing from a CDN
    assert "<script>" not in html and "style=" not in html  # no inline code for the CSP to block


def test_post_is_not_allowed(client):
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize("rows", [1, 8])
def test_the_list_costs_a_constant_number_of_queries(client, django_assert_num_queries, rows):
    for n in range(rows):
        make_statement_with_renderings(speaker_name=f"Speaker {n}", text=f"Statement number {n}.", outlets=2)
    with django_assert_num_queries(4):  # count, statements page, articles count, outlet menu
        client.get(URL)


def test_filters_sort_and_several_outlets(client):
    make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=3)
    make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=1)
    html = client.get(URL, {"several_outlets": "on"}).content.decode()
    assert "Ada Lovelace" in html and "Alan Turing" not in html
    for sort in ("outlets", "divergent", "newest"):
        assert client.get(URL, {"sort": sort}).status_code == 200


def test_the_speaker_filter_shows_a_removable_chip(client):
    statement = make_statement_with_renderings(
        speaker_name="Ada Lovelace", text="The engine weaves.", outlets=1
    )
    make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=1)
    html = client.get(URL, {"speaker": statement.speaker_id}).content.decode()
    assert "Speaker: <a" in html and "Alan Turing" not in html


def test_bad_filter_values_are_reported_not_crashed(client):
    response = client.get(URL, {"date_from": "not-a-date", "sort": "random"})
    assert response.status_code == 200
    assert "were not understood" in response.content.decode()


@pytest.fixture
def small_pages(settings):
    """Pages of 2 and counts capped in steps of 4, so that seven statements show every case."""
    settings.STATEMENTS_PAGE_SIZE = 2
    settings.STATEMENTS_COUNT_STEP = 4
    for n in range(7):
        make_statement_with_renderings(speaker_name=f"Speaker {n}", text=f"Statement number {n}.", outlets=1)


def test_a_large_result_is_counted_only_up_to_a_cap_past_the_page(client, small_pages):
    html = client.get(URL).content.decode()
    assert "More than 4 statements" in html
    assert "Page 1 of more than 2" in html and "Next →" in html and "← Previous" not in html


def test_further_on_the_count_goes_further_and_is_exact_when_the_rest_fits(client, small_pages):
    html = client.get(URL, {"page": 2}).content.decode()
    assert "7 statements" in html and "Page 2 of 4" in html and "Next →" in html
    html = client.get(URL, {"page": 4}).content.decode()
    assert "Page 4 of 4" in html and "Next →" not in html and html.count("<tr>\n        <td>") == 1


def test_a_page_beyond_the_end_or_not_a_number_falls_back_like_django(client, small_pages):
    assert "Page 4 of 4" in client.get(URL, {"page": 999}).content.decode()
    assert "Page 1 of more than 2" in client.get(URL, {"page": "x"}).content.decode()
    assert "Page 1 of more than 2" in client.get(URL, {"page": "-3"}).content.decode()


def test_a_small_result_is_counted_exactly(client):
    for n in range(3):
        make_statement_with_renderings(speaker_name=f"Speaker {n}", text=f"Statement number {n}.", outlets=1)
    html = client.get(URL).content.decode()
    assert "3 statements" in html and "More than" not in html
    html = client.get(URL, {"q": "number 1"}).content.decode()
    assert "1 statement<" in html


@pytest.mark.parametrize(
    "query", [{}, {"q": "number"}, {"sort": "newest"}, {"sort": "divergent", "q": "speaker"}]
)
def test_every_page_holds_the_same_rows_as_a_plain_slice(small_pages, query):
    from django.http import QueryDict

    from articles.forms import StatementFilterForm
    from articles.models import Statement
    from articles.views.statements import CappedPaginator

    form = StatementFilterForm(QueryDict(mutable=True) | query)
    assert form.is_valid()
    rows = form.filter(Statement.objects.all())
    expected = list(rows.values_list("pk", flat=True))
    seen = []
    for number in range(1, 5):
        page = CappedPaginator(rows, 2, number=number, step=4).page(number)
        seen += [s.pk for s in page.object_list]
    assert seen == expected and len(seen) == 7


def test_a_page_and_its_htmx_fragment_tell_caches_they_differ(client):
    """Back after a live search must show the page, not the results fragment the browser cached."""
    make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=1)
    page = client.get(URL, {"q": "engine"})
    fragment = client.get(URL, {"q": "engine"}, headers={"HX-Request": "true"})
    assert "<html" in page.content.decode() and "<html" not in fragment.content.decode()
    for response in (page, fragment):
        assert "HX-Request" in response["Vary"]


def test_filters_not_understood_are_named_as_the_page_labels_them_and_the_others_still_apply(client):
    make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=1)
    make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=1)
    html = client.get(URL, {"q": "machines", "date_from": "yesterday", "sort": "loudest"}).content.decode()
    assert "From: Enter a valid date." in html and "date_from" not in html.split("ignored:")[1][:200]
    assert "Alan Turing" in html and "Ada Lovelace" not in html  # the search still applies
    html = client.get(URL, {"date_from": "2024-05-02", "date_to": "2024-05-01"}).content.decode()
    assert "From (2 May 2024) is after To (1 May 2024)" in html


def test_search_finds_the_statements_an_outlet_quoted(client):
    from articles.models import Outlet

    ada = make_statement_with_renderings(
        speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=1
    )
    make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=1)
    Outlet.objects.filter(articles__quotes__statement=ada).update(name="Coastal Gazette")
    html = client.get(URL, {"q": "gazette"}).content.decode()
    assert "Ada Lovelace" in html and "Alan Turing" not in html
