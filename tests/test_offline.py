"""A post works without the internet: no page, template or static file refers outside the node."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from bmis.core import audit
from bmis.posts.models import Counter

ROOT = Path(__file__).resolve().parent.parent
# Any absolute or protocol-relative address, except XML namespaces (never fetched).
OUTSIDE = re.compile(r"""(?:https?:)?//(?!www\.w3\.org/)[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""(?:src|href|action|url)\s*[=(]\s*["']?((?:https?:)?//[^"' )>]+)""")


def outside_references(text: str) -> list[str]:
    found = [m for m in ATTRIBUTE.findall(text) if OUTSIDE.match(m)]
    found += [m.group(0) for m in OUTSIDE.finditer(text) if "w3.org" not in m.group(0)]
    return sorted(set(found))


def test_it_notices_an_outside_address():
    assert outside_references('<script src="https://cdn.example.com/x.js">') != []
    assert outside_references("@import url(//fonts.example.net/a.css);") != []
    assert outside_references('<svg xmlns="http://www.w3.org/2000/svg">') == []


@pytest.mark.parametrize("role", ["officer", "post_chief", "admin"])
def test_no_page_refers_outside_the_node(client, cast, pap, role):
    counter = Counter.objects.create(post=pap, code="A1", name="Arrivals 1")
    event = audit.record(actor=None, action="test.event")
    pages = [
        reverse("core:home"),
        reverse("accounts:profile"),
        reverse("accounts:password_change"),
        reverse("reference:index"),
        reverse("posts:post_detail", args=["PAP"]),
        reverse("posts:counter_create", args=["PAP"]),
        reverse("posts:counter_edit", args=["PAP", counter.pk]),
        reverse("posts:post_list"),
        reverse("accounts:user_list"),
        reverse("accounts:user_create"),
        reverse("accounts:user_detail", args=[cast["officer"].pk]),
        reverse("core:audit_list"),
        reverse("core:audit_detail", args=[event.pk]),
        "/django-admin/",
        "/no-such-page/",
    ]
    client.force_login(cast[role])
    for path in pages:
        response = client.get(path, follow=True)
        assert outside_references(response.content.decode()) == [], path


def test_the_sign_in_page_refers_to_nothing_outside(client, db):
    assert outside_references(client.get(reverse("accounts:login")).content.decode()) == []


def test_no_template_or_static_file_refers_outside():
    files = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("bmis/*/templates/**/*.html"),
        *ROOT.glob("static/**/*.css"),
        *ROOT.glob("static/**/*.js"),
        *ROOT.glob("static/**/*.svg"),
    ]
    assert files
    offenders = {str(f.relative_to(ROOT)): outside_references(f.read_text()) for f in files}
    assert {name: refs for name, refs in offenders.items() if refs} == {}


def test_the_domain_package_never_imports_django():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "domain").rglob("*.py")
        if re.search(r"^\s*(from|import)\s+django\b", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []
