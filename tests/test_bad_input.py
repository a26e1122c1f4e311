"""Hostile files, end to end: through `manage.py ingest` and through the admin upload page, into the database.

Each file gets a clear error naming it or a clean result; none leaves a partial article; none stops the rest of
the batch. Small samples live in tests/data/bad/; large, binary and archive files are made here at run time.
"""

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article, IngestJob, Quote

pytestmark = pytest.mark.django_db
BAD = Path(__file__).parent / "data" / "bad"
SEEDS = sorted((Path(__file__).parent.parent / "demo" / "articles").glob("*.txt"))
MB = 1024 * 1024

# A 1x1 PNG: an image renamed .txt.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def article_text(n: int) -> str:
    return (
        f"Port Ellis approves harbour plan {n}\n\n"
        f"The harbour board approved plan {n} on Tuesday.\n\n"
        f"“Plan {n} will bring ships back to the quays,” said board chair Marta Kowal.\n"
    )


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(*, members: int, member_bytes: int) -> bytes:
    """Each member is under the per-file limit; together they exceed the archive's uncompressed limit."""
    block = b"a" * member_bytes
    return zipped({f"part-{n:02d}.txt": block for n in range(members)})


def one_paragraph(size: int) -> str:
    sentence = "The council met again on Tuesday and talked about the harbour, the quays and the budget. "
    body = (sentence * (size // len(sentence) + 1))[:size]
    return "A very long article in one paragraph\n" + body


# --- the corpus --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """What one source inside a file comes to: `created` (a whole article stored) or `failed` with a reason."""

    source: str  # the name the outcome carries: the file name, "file.jsonl:2" or "file.zip/member"
    status: str
    says: str = ""  # a fragment of the failure reason, or of the warning of a stored article
    quote: str = ""  # a quotation the stored article must contain


def generated(name: str) -> bytes:
    """Files too large or too binary to commit."""
    if name == "photo.txt":
        return PNG
    if name == "huge.txt":  # refused by the file size limit (20 MB for the command, 5 MB for uploads)
        return b"Huge\n\n" + b"word " * (50 * MB // 5)
    if name == "one_paragraph.txt":
        return one_paragraph(MB).encode()
    if name == "zip_slip.zip":
        return zipped(
            {
                "../../evil.txt": article_text(1).encode(),
                "/etc/evil.txt": article_text(2).encode(),
                "news/story.txt": article_text(3).encode(),
            }
        )
    if name == "zip_bomb.zip":  # 12 x 9 MB of "a": 108 MB uncompressed, about 100 KB on disk
        return zip_bomb(members=12, member_bytes=9 * MB)
    if name == "nested.zip":
        inner = zipped({"story.txt": article_text(4).encode()})
        return zipped({"inner.zip": inner, "top.txt": article_text(5).encode()})
    if name == "nested_too_deep.zip":
        deepest = zipped({"story.txt": article_text(6).encode()})
        return zipped({"middle.zip": zipped({"deepest.zip": deepest})})
    return (BAD / name).read_bytes()


CASES: dict[str, list[Expect]] = {
    "empty.txt": [Expect("empty.txt", "failed", "empty file")],
    "whitespace.txt": [Expect("whitespace.txt", "failed", "only whitespace")],
    "photo.txt": [Expect("photo.txt", "failed", "binary file (PNG image)")],
    "cp1252.txt": [
        Expect("cp1252.txt", "created", "not UTF-8: decoded as cp1252", quote="We can’t go on like this")
    ],
    "utf16_bom.txt": [
        Expect("utf16_bom.txt", "created", quote="The budget is balanced and fair to every region.")
    ],
    "huge.txt": [Expect("huge.txt", "failed", "file too large")],
    "one_paragraph.txt": [Expect("one_paragraph.txt", "failed", "article too long")],
    "scripts_and_iframes.html": [
        Expect("scripts_and_iframes.html", "created", quote="This plan protects the quays for a generation,")
    ],
    "malformed.json": [Expect("malformed.json", "failed", "not valid JSON")],
    "mixed.jsonl": [
        Expect("mixed.jsonl:1", "created", quote="Bridge 1 joins the two halves of our town,"),
        Expect("mixed.jsonl:2", "failed", "not valid JSON"),
        Expect("mixed.jsonl:3", "created", quote="Bridge 2 joins the two halves of our town,"),
        Expect("mixed.jsonl:4", "failed", "expected a JSON object, found an array"),
        Expect("mixed.jsonl:5", "created", quote="Bridge 3 joins the two halves of our town,"),
    ],
    "zip_slip.zip": [
        Expect("zip_slip.zip/../../evil.txt", "failed", "unsafe path in archive refused"),
        Expect("zip_slip.zip//etc/evil.txt", "failed", "unsafe path in archive refused"),
        Expect("zip_slip.zip/news/story.txt", "created", quote="Plan 3 will bring ships back to the quays,"),
    ],
    "zip_bomb.zip": [Expect("zip_bomb.zip", "failed", "archive too large when uncompressed")],
    "nested.zip": [
        Expect(
            "nested.zip/inner.zip/story.txt", "created", quote="Plan 4 will bring ships back to the quays,"
        ),
        Expect("nested.zip/top.txt", "created", quote="Plan 5 will bring ships back to the quays,"),
    ],
    "nested_too_deep.zip": [
        Expect("nested_too_deep.zip/middle.zip/deepest.zip", "failed", "archive nested too deep")
    ],
    "unbalanced_quotes.txt": [Expect("unbalanced_quotes.txt", "created")],
    "right_to_left.txt": [
        Expect("right_to_left.txt", "created", quote="this is a historic day for our country")
    ],
    "emoji.txt": [
        Expect(
            "emoji.txt",
            "created",
            quote="We did it \U0001f602\U0001f44d\U0001f3fd, the whole town is dancing \U0001f57a\U0001f3ff!",
        )
    ],
}
# Refused by the upload form before anything is stored (the command reads them and reports the same reason).
FORM_REFUSES = {
    "empty.txt": "empty",
    "huge.txt": "over the limit of 5 MB",
    "photo.txt": "binary file (PNG image)",  # judged on its first bytes at upload
}


def assert_whole(article: Article) -> None:
    """A stored article is complete: its hash is its body's, and every quote lies in the body as stored."""
    assert article.body.strip() and article.title is not None
    assert article.content_hash == hashlib.sha256(article.body.encode()).hexdigest()
    for quote in article.quotes.all():
        assert article.body[quote.start : quote.end] == quote.text
        assert quote.not_a_quote or quote.statement_id is not None


def check_database(expected: list[Expect], *, prefix: str = "") -> None:
    created = [e for e in expected if e.status == "created"]
    names = set(Article.objects.values_list("source_name", flat=True))
    assert {prefix + e.source for e in created} <= names
    for e in expected:
        if e.status == "failed":  # nothing half-written under the name of a source that failed
            assert prefix + e.source not in names
    for e in created:
        article = Article.objects.get(source_name=prefix + e.source)
        assert_whole(article)
        if e.quote:
            assert e.quote in article.body
            assert Quote.objects.filter(article=article, text__contains=e.quote).exists(), [
                q.text for q in article.quotes.all()
            ]
    for article in Article.objects.all():
        assert "<script" not in article.body and "evil.example" not in article.body
        assert_whole(article)


# --- through the command ------------------------------------------------------------------------------------


def run_ingest(*paths: Path) -> tuple[str, str, bool]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *map(str, paths), stdout=out, stderr=err)
        failed = False
    except CommandError as error:
        assert re.fullmatch(r"\d+ source\(s\) failed", str(error))
        failed = True
    return out.getvalue(), err.getvalue(), failed


def write(directory: Path, name: str) -> Path:
    path = directory / name
    path.write_bytes(generated(name))
    return path


@pytest.mark.parametrize("name", CASES)
def test_the_command_gives_each_hostile_file_a_clear_error_or_a_clean_result(tmp_path, name):
    expected = CASES[name]
    out, err, failed = run_ingest(write(tmp_path, name))
    for e in expected:
        if e.status == "failed":
            assert f"{e.source}:" in err and e.says in err, err  # named, with the line for JSON
        elif e.says:
            assert f"{e.source}: warning: {e.says}" in err, err
    created = sum(e.status == "created" for e in expected)
    failures = sum(e.status == "failed" for e in expected)
    assert f"{created} created, 0 unchanged, 0 updated, {failures} failed" in out
    assert failed == bool(failures)
    assert "Traceback" not in err
    check_database(expected)
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/etc/evil.txt").exists()


def test_one_batch_of_every_hostile_file_still_stores_the_good_ones(tmp_path):
    for name in CASES:
        write(tmp_path, name)
    (tmp_path / "good.txt").write_bytes(SEEDS[0].read_bytes())
    expected = [e for name in sorted(CASES) for e in CASES[name]]
    out, err, failed = run_ingest(tmp_path)
    assert failed
    created = sum(e.status == "created" for e in expected) + 1
    failures = sum(e.status == "failed" for e in expected)
    assert f"{created} created, 0 unchanged, 0 updated, {failures} failed" in out
    check_database(expected)
    assert Article.objects.filter(source_name="good.txt").exists()

    # A second run over the same batch stores nothing new and reports the same failures.
    before = (Article.objects.count(), Quote.objects.count())
    out, _, _ = run_ingest(tmp_path)
    assert f"0 created, {created} unchanged, 0 updated, {failures} failed" in out
    assert (Article.objects.count(), Quote.objects.count()) == before


# --- through the upload page --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def admin_client(client):
    user = User.objects.create_user("ada", password="pw-for-tests-only")
    user.groups.add(Group.objects.get(name="admin"))
    client.force_login(user)
    return client


def upload(client, names: list[str], extra: list[SimpleUploadedFile] = ()):
    files = [SimpleUploadedFile(name, generated(name)) for name in names] + list(extra)
    return client.post(reverse("upload"), {"files": files})


def job_outcomes(job: IngestJob) -> dict[str, dict]:
    """Every outcome of the job by source name; a file that failed as a whole counts as one failed outcome."""
    found = {}
    for file in job.files.order_by("position"):
        for outcome in file.outcomes:
            found[outcome["source_name"]] = outcome
        if file.error:
            found[file.name] = {"status": "failed", "message": file.error}
    return found


def check_job(job: IngestJob, expected: list[Expect]) -> None:
    outcomes = job_outcomes(job)
    for e in expected:
        assert e.source in outcomes, (e.source, sorted(outcomes))
        got = outcomes[e.source]
        assert got["status"] == e.status, got
        assert e.says in (got["message"] or ""), got
    check_database(expected, prefix=f"upload {job.pk}: ")


@pytest.mark.parametrize("name", [n for n in CASES if n not in FORM_REFUSES])
def test_an_upload_gives_each_hostile_file_a_clear_error_or_a_clean_result(admin_client, name):
    response = upload(admin_client, [name])
    job = IngestJob.objects.get()
    assert response.status_code == 302
    job.refresh_from_db()
    expected = CASES[name]
    assert job.status == ("failed" if any(e.status == "failed" for e in expected) else "succeeded")
    check_job(job, expected)


@pytest.mark.parametrize("name", FORM_REFUSES)
def test_the_upload_form_refuses_empty_and_oversized_files_and_stores_nothing(admin_client, media, name):
    response = upload(admin_client, [name])
    assert response.status_code == 200
    html = response.content.decode()
    assert name in html and FORM_REFUSES[name] in html
    assert not IngestJob.objects.exists() and not Article.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_one_upload_of_every_hostile_file_still_stores_the_good_ones(admin_client):
    names = [n for n in CASES if n not in FORM_REFUSES and n != "one_paragraph.txt"]
    good = SimpleUploadedFile("good.txt", SEEDS[0].read_bytes())
    response = upload(admin_client, names, extra=[good])
    assert response.status_code == 302
    job = IngestJob.objects.get()
    assert job.status == "failed" and job.files_done == len(names) + 1
    check_job(job, [e for n in names for e in CASES[n]])
    assert job_outcomes(job)["good.txt"]["status"] == "created"
