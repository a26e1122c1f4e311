from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.fetching import is_link
from articles.management.commands.ingest import iso_date
from articles.primary import read_primary, store_primary


class Command(BaseCommand):
    help = (
        "Add a primary source (a transcript, a speech as published, a press release) from a file or a link: its "
        "sentences join the statements outlets rendered of its speakers around its date and become their "
        "reference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A text file, or a link (http:// or https://).")
        parser.add_argument(
            "--speaker",
            action="append",
            required=True,
            help="Who speaks (repeat for a transcript's speakers).",
        )
        parser.add_argument("--published", type=iso_date, required=True, help="Its date (YYYY-MM-DD).")
        parser.add_argument("--url", default="", help="Where it was published.")
        parser.add_argument("--title", default="")

    def handle(self, *, path, speaker, published, url, title, **options) -> None:
        try:
            text, found_title, found_url = read_primary(path)
            article, joined = store_primary(
                text=text,
                speakers=speaker,
                published=published,
                title=title or found_title,
                url=url or found_url,
                source_name=path,
            )
        except ValueError as error:
            raise CommandError(f"{path}: {error}") from None
        sentences = article.quotes.count()
        self.stdout.write(
            f"{path}: primary source stored as article {article.pk}, {sentences} sentence(s); "
            f"{len(joined)} statement(s) now compared with it"
            + (f": {', '.join(map(str, sorted(joined)))}" if joined else "")
        )
        if not is_link(path) and not sentences:
            self.stderr.write(f"{path}: warning: no sentence of its speakers was found")
