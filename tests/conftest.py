import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests do not depend on `collectstatic` having run: serve static names without the manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
