import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import make_statement_with_renderings

pytestmark = pytest.mark.django_db


def superuser_request(rf, user):
    request = rf.get("/")
    request.user = user
    return request


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label == "articles"]


@pytest.mark.parametrize("view", ["changelist", "add"])
def test_every_admin_page_renders_for_a_superuser(admin_client, admin_user, rf, view):
    make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=2)
    for model in registered_models():
        if view == "add" and not admin.site._registry[model].has_add_permission(
            superuser_request(rf, admin_user)
        ):
            continue  # rows the product creates itself (e.g. ingest jobs) have no add page
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_every_admin_change_page_renders_for_a_superuser(admin_client):
    make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=2)
    for model in registered_models():
        obj = model.objects.first()
        if obj is None:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200, url


def test_admin_search_and_filters_work(admin_client):
    make_statement_with_renderings(speaker_name="Ada Lovelace", text="The engine weaves patterns.", outlets=2)
    response = admin_client.get(reverse("admin:articles_quote_changelist"), {"q": "weaves", "kind": "direct"})
    assert response.status_code == 200
    assert "2 quotes" in response.content.decode()
