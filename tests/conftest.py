import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests do not depend on `collectstatic` having run: serve static names without the manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with the per-process cache empty (a count cached for a minute by one test is not
    another's)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Production hashing costs ~0.3 s per password by design; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def web(settings):
    """A local HTTP server for links and feeds; fetching from 127.0.0.1 is allowed while it runs."""
    import ipaddress

    from tests.web import WebServer

    settings.FETCH_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    server = WebServer().start()
    yield server
    server.stop()


@pytest.fixture
def database_tasks(settings):
    """The real django-tasks-db backend instead of the suite's in-process one."""
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task_backends.__dict__["settings"] = settings.TASKS  # the handler reads TASKS once, then caches it
    task_backends["default"] = DatabaseBackend("default", {})
    yield
    # Forget all of it: the next test's first task reads TASKS again, restored by then (restoring the cached
    # value here left the database backend in place for the tests that followed).
    del task_backends["default"]
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
