"""Tasks queued by earlier versions under `articles.tasks.…` still run: the tasks live with the uploads they
run (articles.uploads)."""

from articles.uploads import ingest_upload, watch_upload

__all__ = ["ingest_upload", "watch_upload"]
