"""Garbage in any field of any page gets a clear answer, never a crash (no 500)."""

import pytest
from django.urls import reverse

from bmis.core import audit
from bmis.posts.models import Counter

GARBAGE = [
    "\x00",
    "a\x00b",
    "A" * 5000,
    "é\u202e\ufeff🛂",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "-1",
    "9" * 40,
    "//evil.example/",
    "",
]
FIELDS = [
    "username",
    "password",
    "next",
    "language",
    "q",
    "role",
    "post",
    "active",
    "page",
    "kind",
    "department",
    "action",
    "user",
    "node",
    "object_id",
    "address",
    "start",
    "end",
    "code",
    "name",
    "is_active",
    "first_name",
    "last_name",
    "email",
    "new_password1",
    "new_password2",
    "old_password",
    "closed",
]


@pytest.fixture
def pages(cast, pap):
    counter = Counter.objects.create(post=pap, code="A1", name="Arrivées 1")
    event = audit.record(actor=None, action="test.event")
    user = cast["officer"].pk
    return [
        reverse("core:home"),
        reverse("accounts:login"),
        reverse("accounts:language"),
        reverse("accounts:password_change"),
        reverse("accounts:profile"),
        reverse("accounts:user_list"),
        reverse("accounts:user_create"),
        reverse("accounts:user_detail", args=[user]),
        reverse("accounts:user_reset_password", args=[user]),
        reverse("accounts:user_unlock", args=[user]),
        reverse("core:audit_list"),
        reverse("core:audit_detail", args=[event.pk]),
        reverse("core:audit_verify"),
        reverse("posts:post_list"),
        reverse("posts:post_detail", args=["PAP"]),
        reverse("posts:counter_create", args=["PAP"]),
        reverse("posts:counter_edit", args=["PAP", counter.pk]),
        reverse("reference:index"),
        "/posts/%00/",
        "/posts/" + "Z" * 300 + "/",
    ]


@pytest.mark.parametrize("role", ["admin", "post_chief", None])
def test_no_garbage_crashes_a_page(client, cast, pages, role):
    if role:
        client.force_login(cast[role])
    for value in GARBAGE:
        data = dict.fromkeys(FIELDS, value)
        for path in pages:
            for method in (client.get, client.post):
                response = method(path, data)
                assert response.status_code < 500, f"{method.__name__.upper()} {path} {value!r}"
                response = method(path, data, headers={"HX-Request": "true"})
                assert response.status_code < 500, f"htmx {path} {value!r}"
