"""The statements search: one casefolded column of rendering texts, kept right through ingest and corrections."""

import importlib
import io
import types

import pytest
from django.core.management import call_command
from django.db import connection

from articles import corrections
from articles.models import AuditEvent, Quote, Speaker, SpeakerAlias, Statement
from articles.search import search_text
from tests.factories import make_statement_with_renderings, make_user
from tests.test_corrections import TEXT, correction_cases

pytestmark = pytest.mark.django_db


def found(text: str) -> set[int]:
    return set(Statement.objects.search(text).values_list("pk", flat=True))


def expected(statement_pk: int) -> str:
    quotes = Quote.objects.filter(statement_id=statement_pk, not_a_quote=False).order_by("pk")
    return search_text(q.text for q in quotes)


def assert_all_fresh() -> None:
    for pk, stored in Statement.objects.values_list("pk", "search_text"):
        assert stored == expected(pk), pk


def test_the_search_text_holds_every_wording_once_casefolded():
    assert (
        search_text(["Machines CAN think.", "machines can think.", "Straße"])
        == "machines can think.\nstrasse"
    )


def test_search_finds_rendering_text_speaker_name_and_alias_case_insensitively():
    ada = make_statement_with_renderings(
        speaker_name="Ada Lovelace", text="The ENGINE weaves Ärger.", outlets=1
    )
    alan = make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=1)
    assert found("engine weaves") == {ada.pk}
    assert found("ärger") == {ada.pk}  # beyond ASCII too, also on SQLite
    assert found("  turing ") == {alan.pk}
    assert found("nobody said this") == set()
    # An alias given later finds the speaker's statements without rewriting them.
    SpeakerAlias.objects.create(speaker=alan.speaker, name="A. M. Turing")
    assert found("a. m.") == {alan.pk}


def test_a_renamed_speaker_is_found_by_the_new_name_only():
    ada = make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves.", outlets=1)
    Speaker.objects.filter(pk=ada.speaker_id).update(name="Augusta Ada King")
    assert found("augusta") == {ada.pk} and found("lovelace") == set()


def test_percent_and_underscore_are_searched_literally():
    rate = make_statement_with_renderings(
        speaker_name="Ada Lovelace", text="Growth was 5% this year.", outlets=1
    )
    make_statement_with_renderings(speaker_name="Alan Turing", text="Growth was 55 this year.", outlets=1)
    assert found("5%") == {rate.pk}
    assert found("was_5") == set()


def test_ingest_fills_the_search_text(tmp_path):
    (tmp_path / "a.txt").write_text("Speech\n\n“We will build the bridge,” Mayor Jon Smyth said on Monday.")
    call_command("ingest", str(tmp_path / "a.txt"), stdout=io.StringIO())
    statement = Statement.objects.get()
    assert "we will build the bridge" in statement.search_text
    assert found("Build The Bridge") == {statement.pk}
    assert_all_fresh()


@pytest.mark.parametrize("correct", correction_cases(), ids=lambda f: f.__name__)
def test_the_search_text_follows_each_correction_and_its_undo(correct):
    journalist = make_user("journalist")
    a = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)
    b = make_statement_with_renderings(
        speaker_name="Alan Turing", text="Machines can think, said the paper.", outlets=2
    )
    correct(journalist, a, b)
    assert_all_fresh()
    corrections.undo(actor=journalist, event=AuditEvent.objects.exclude(action__endswith="(arrived)").get())
    assert_all_fresh()


def test_a_moved_rendering_is_found_under_its_new_statement_and_a_rejected_one_nowhere():
    journalist = make_user("journalist")
    a = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    b = make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=2)
    corrections.move_quote(actor=journalist, quote=b.renderings.first(), to=a)
    assert found("machines can") == {a.pk, b.pk}
    corrections.reject_quote(actor=journalist, quote=b.renderings.get())
    assert found("machines can") == {a.pk}


def test_merged_speakers_are_found_by_either_name_until_undone():
    journalist = make_user("journalist")
    a = make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=1)
    b = make_statement_with_renderings(speaker_name="Alan Turing", text="Machines can think.", outlets=1)
    corrections.merge_speakers(actor=journalist, into=a.speaker, other=b.speaker)
    assert found("alan turing") == {
        a.pk,
        b.pk,
    }  # the other's name is now an alias of both statements' speaker
    corrections.undo(actor=journalist, event=AuditEvent.objects.get())
    assert found("alan turing") == {b.pk}


def test_the_migration_fills_existing_statements_as_the_code_does():
    make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=3)
    make_statement_with_renderings(speaker_name="Alan Turing", text="Machines CAN think.", outlets=2)
    Statement.objects.update(search_text="")
    migration = importlib.import_module("articles.migrations.0008_statement_search_text")
    from django.apps import apps

    migration.fill(apps, types.SimpleNamespace(connection=connection))
    assert_all_fresh()
    assert "" not in Statement.objects.values_list("search_text", flat=True)
