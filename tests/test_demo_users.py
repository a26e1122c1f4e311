"""The demo users: created once, and how to log in printed on every start of the demo."""

import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run(path) -> str:
    out = io.StringIO()
    call_command("demo_users", passwords=path, stdout=out)
    return out.getvalue()


def test_the_demo_passwords_are_printed_on_every_start_and_work(tmp_path):
    path = tmp_path / "demo-users.json"
    first, again = run(path), run(path)
    assert first == again and "username 'journalist'" in first and "username 'admin'" in first
    kept = json.loads(path.read_text())
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    for username, password in kept.items():
        assert f"password {password!r}" in first and User.objects.get(username=username).check_password(
            password
        )


def test_a_password_changed_elsewhere_is_not_printed(tmp_path):
    path = tmp_path / "demo-users.json"
    run(path)
    user = User.objects.get(username="admin")
    user.set_password("changed-by-the-admin")
    user.save()
    out = run(path)
    assert "changepassword admin" in out and "changed-by-the-admin" not in out
