"""Small builders for test rows: real database rows, no mocks."""

import hashlib
import itertools

from articles.models import Article, Outlet, Quote, Speaker, Statement
from articles.nlp.matching import normalize

_counter = itertools.count(1)


def make_article(
    *, body: str | None = None, title: str = "A headline", outlet: Outlet | None = None, **fields
) -> Article:
    n = next(_counter)
    body = body if body is not None else f"{title}\n\nArticle number {n} says “something” happened."
    return Article.objects.create(
        title=title,
        body=body,
        source_name=fields.pop("source_name", f"article-{n}.txt"),
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        outlet=outlet,
        **fields,
    )


def make_quote(*, article: Article, text: str, statement: Statement | None = None, **fields) -> Quote:
    start = article.body.index(text)
    return Quote.objects.create(
        article=article,
        statement=statement,
        text=text,
        start=start,
        end=start + len(text),
        kind=fields.pop("kind", "direct"),
        normalized=fields.pop("normalized", normalize(text)),
        **fields,
    )


def make_statement_with_renderings(*, speaker_name: str, text: str, outlets: int) -> Statement:
    """One statement quoted verbatim by `outlets` articles from different outlets."""
    speaker, _ = Speaker.objects.get_or_create(name=speaker_name)
    statement = Statement.objects.create(speaker=speaker, label=text[:40])
    for _ in range(outlets):
        n = next(_counter)
        outlet = Outlet.objects.create(name=f"Outlet {n}")
        article = make_article(body=f"Headline {n}\n\n{speaker_name} said: “{text}”", outlet=outlet)
        make_quote(article=article, text=text, statement=statement, speaker=speaker)
    Statement.objects.filter(pk=statement.pk).recompute()
    statement.refresh_from_db()
    return statement


def make_user(role: str | None, username: str | None = None):
    """A user in the given role group ("journalist", "admin") or with no role (None)."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        username=username or f"{role or 'reader'}-{next(_counter)}", password="pw"
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
        user.is_staff = role == "admin"
        user.save(update_fields=["is_staff"])
    return user


def long_article(seed: int, quotes: int) -> str:
    """An article of many long quotes in words drawn at random: hundreds of distinct index keys."""
    import random

    rng = random.Random(seed)
    syllables = ["bar", "cor", "dun", "fel", "gam", "hol", "kir", "lom", "mav", "nep", "ros", "tul"]
    vocabulary = [a + b + c for a in syllables for b in syllables for c in "aeiou"]  # 720 made-up words
    paragraphs = ["Delegates met in Geneva on Monday."]
    for n in range(quotes):
        words = " ".join(rng.choice(vocabulary) for _ in range(14))
        paragraphs.append(f"“The {words} will hold,” Anna Berg said in remark {n}.")
    return "\n\n".join(paragraphs)
