import pytest


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests do not depend on `collectstatic` having run: serve static names without the manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
