"""The statements page's search: one casefolded column of rendering texts per statement, plus speakers by id.

`Statement.search_text` holds the texts of a statement's renderings, casefolded and one per line; a trigram
index (migration 0008, PostgreSQL) lets `LIKE '%word%'` on it skip the statements that cannot match, where an
OR of EXISTS over the quotes read every statement. Speaker names and aliases are not copied into it: they are
matched by id (a few thousand speakers), so renaming a speaker or adding an alias needs no rewrite.

statements.recompute writes it with a statement's other figures, so ingest, every correction and every undo
keep it (bench.synthetic writes it for its bulk rows).
"""

from collections.abc import Iterable

from django.db.models import F, Lookup, QuerySet


def search_text(texts: Iterable[str]) -> str:
    """What a statement with these rendering texts is searched in (repeated wordings once)."""
    return "\n".join(dict.fromkeys(text.casefold() for text in texts))


class SpeakerAmong(Lookup):
    """`speaker_id IN (speakers)`; on PostgreSQL `= ANY(ARRAY(speakers))`, an array computed once that the
    planner can look up in the speaker index and OR with the trigram index (an IN subquery inside an OR makes
    it test every statement)."""

    lookup_name = "speaker_among"

    def __init__(self, speakers: QuerySet) -> None:
        super().__init__(F("speaker"), speakers)

    def as_sql(self, compiler, connection):
        return self._sql(compiler, connection, "{} IN {}")

    def as_postgresql(self, compiler, connection):
        return self._sql(compiler, connection, "{} = ANY(ARRAY{})")

    def _sql(self, compiler, connection, template: str):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return template.format(lhs, rhs), (*lhs_params, *rhs_params)
