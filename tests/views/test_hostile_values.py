"""Every form a user can reach, every field, hostile values: an answer with a message, never a server error.

The journalists' write endpoints are covered in test_annotations.py (HOSTILE there); here the upload and feed
forms, the statements filters, the login form and every add form and list of the admin."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Statement
from tests.factories import make_statement_with_renderings, make_user
from tests.views.test_annotations import HOSTILE, TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_statement_with_renderings(speaker_name="Ada Lovelace", text=TEXT, outlets=2)


def test_the_upload_form_answers_hostile_values_in_every_field(client, world):
    client.force_login(make_user("admin"))
    fields = {"text": "", "links": "", "outlet": "", "published": "", "url": ""}
    for field in fields:
        for value in HOSTILE:
            response = client.post(reverse("upload"), {**fields, field: value})
            assert response.status_code < 500, (field, value[:20])


def test_the_feed_form_answers_hostile_values_in_every_field(client, world):
    client.force_login(make_user("admin"))
    fields = {"url": "https://example.org/feed.xml", "outlet": "", "interval": "60"}
    for field in fields:
        for value in HOSTILE:
            response = client.post(reverse("feed_list"), {**fields, field: value})
            assert response.status_code < 500, (field, value[:20])


def test_the_primary_source_form_answers_hostile_values_in_every_field(client, world):
    client.force_login(make_user("journalist"))
    fields = {
        "text": "",
        "link": "",
        "speakers": "Ada Lovelace",
        "published": "2024-01-01",
        "title": "",
        "url": "",
    }
    for field in fields:
        for value in HOSTILE:
            response = client.post(
                reverse("add_primary") + "?statement=" + value[:50], {**fields, field: value}
            )
            assert response.status_code < 500, (field, value[:20])


def test_the_statement_filters_answer_hostile_values_in_every_field(client, world):
    fields = [
        "q",
        "speaker",
        "outlet",
        "date_from",
        "date_to",
        "several_outlets",
        "changed",
        "primary",
        "label",
        "sort",
        "page",
        "ref",
    ]
    for url in [
        reverse("statement_list"),
        reverse("api_statement_list"),
        reverse("statement_detail", args=[world.pk]),
    ]:
        for field in fields:
            for value in HOSTILE:
                response = client.get(url, {field: value})
                assert response.status_code < 500, (url, field, value[:20])


def test_the_login_form_answers_hostile_values(client, world):
    for field in ["username", "password"]:
        for value in HOSTILE:
            response = client.post(reverse("login"), {"username": "someone", "password": "pw", field: value})
            assert response.status_code < 500, (field, value[:20])


def admin_models():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.parametrize("model", [m._meta.label for m, _ in admin_models()])
def test_every_admin_form_and_list_answers_hostile_values(admin_client, world, model):
    model_class, model_admin = next((m, a) for m, a in admin_models() if m._meta.label == model)
    info = (model_class._meta.app_label, model_class._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    request = RequestFactory().get(changelist)
    request.user = make_user("admin", "hostile-admin")
    request.user.is_superuser = True
    # Every parameter the list's filters read ("outlet__id__exact", "published__gte", …), its search and order.
    specs = model_admin.get_changelist_instance(request).filter_specs
    for name in ["q", "o", "p", "all", *(p for spec in specs for p in spec.expected_parameters())]:
        for value in HOSTILE:
            response = admin_client.get(changelist, {name: value})
            assert response.status_code < 500, (model, name, value[:20])
    if not model_admin.has_add_permission(request):
        return
    add = reverse("admin:{}_{}_add".format(*info))
    fields = list(model_admin.get_form(request)().fields)
    for name in fields:
        for value in HOSTILE:
            response = admin_client.post(add, {name: value})
            assert response.status_code < 500, (model, name, value[:20])
    assert Statement.objects.filter(pk=world.pk).exists()
