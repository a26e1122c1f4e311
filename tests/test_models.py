import pytest
from django.db import IntegrityError, transaction

from articles.models import Article, Quote
from tests.factories import make_article, make_quote

pytestmark = pytest.mark.django_db


def test_a_second_article_with_the_same_content_hash_is_refused():
    article = make_article(body="Title\n\nSame text.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            title="Other", body="x", source_name="other.txt", content_hash=article.content_hash
        )
    assert Article.objects.count() == 1


def test_a_quote_matching_its_body_is_stored():
    article = make_article(body="Title\n\nShe said “all is well” today.")
    quote = make_quote(article=article, text="all is well")
    assert article.body[quote.start : quote.end] == quote.text


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (0, 5, "Other"),  # text differs from the body at those offsets
        (15, 26, "all is wel"),  # off by one
        (40, 60, "beyond the end"),  # offsets outside the body
        (10, 5, "x"),  # end before start
    ],
)
def test_a_quote_that_does_not_match_its_body_is_refused(start, end, text):
    article = make_article(body="Title\n\nShe said “all is well” today.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.create(article=article, text=text, start=start, end=end, kind="direct")
    assert not Quote.objects.exists()


def test_moving_a_quote_off_its_text_is_refused():
    article = make_article(body="Title\n\nShe said “all is well” today.")
    quote = make_quote(article=article, text="all is well")
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.filter(pk=quote.pk).update(start=quote.start + 1, end=quote.end + 1)
    quote.refresh_from_db()
    assert article.body[quote.start : quote.end] == "all is well"


def test_changing_a_body_under_its_quotes_is_refused():
    article = make_article(body="Title\n\nShe said “all is well” today.")
    make_quote(article=article, text="all is well")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(
            body="Title\n\nSomething else entirely, longer than before."
        )


def test_offsets_count_characters_not_bytes():
    article = make_article(body="Заголовок 🙂\n\n“Всё хорошо”, — сказала она.")
    quote = make_quote(article=article, text="Всё хорошо")
    assert quote.start == len("Заголовок 🙂\n\n“")


def test_an_unknown_quote_kind_is_refused():
    article = make_article(body="Title\n\nShe said “all is well” today.")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_quote(article=article, text="all is well", kind="rumour")
