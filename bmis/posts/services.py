"""Writes on border posts and their counters.

Posts come from the list OpenBMIS ships (`data/haiti_posts.json`, loaded by `load_reference`
through `post_upsert`). Counters are opened and changed by the post's chief or an administrator,
and never deleted: a counter that closes is deactivated, so the crossings recorded at it keep
their place.

Each post is audited on its own (`post.created`, `post.updated`, only when something changed)
rather than folded into the loader's `reference.loaded` event: a post is a record with a history
of its own, and `post_upsert` will serve an administrator's page as well as the loader.
"""

import json
import re
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bmis.core import audit
from bmis.posts.models import Counter, Department, Post, PostType

HAITI_POSTS = Path(__file__).resolve().parent / "data" / "haiti_posts.json"
COUNTER_CODE_RE = re.compile(r"^[A-Z0-9-]{1,10}$")
IATA_RE = re.compile(r"^[A-Z]{3}$")
COUNTER_CODE_MESSAGE = gettext_lazy(
    "A counter code is 1 to 10 capital letters A-Z, digits or hyphens, such as A1 or D-2."
)

Outcome = Literal["created", "updated", "unchanged"]


def haiti_posts() -> list[dict[str, str]]:
    """Return Haiti's border posts as shipped in data/haiti_posts.json."""
    with HAITI_POSTS.open(encoding="utf-8") as handle:
        return json.load(handle)


def _check_post(code: str, values: dict[str, str]) -> None:
    errors = {}
    if not settings.POST_CODE_RE.match(code) or code == "HQ":
        errors["code"] = _("A post code is 2 to 10 capital letters A-Z or digits (and not HQ).")
    if not values["name"]:
        errors["name"] = _("Give the post a name.")
    if values["kind"] not in PostType.values:
        errors["kind"] = _("Choose a type of post from the list.")
    if values["department"] and values["department"] not in Department.values:
        errors["department"] = _("Choose a department from the list.")
    if values["iata"] and values["kind"] != PostType.AIR:
        errors["iata"] = _("Only airports have an IATA code.")
    elif values["iata"] and not IATA_RE.match(values["iata"]):
        errors["iata"] = _("An IATA airport code is 3 letters, such as PAP.")
    if values["facing"] and values["kind"] != PostType.LAND:
        errors["facing"] = _("Only land posts face a town across the border.")
    if errors:
        raise ValidationError(errors)


def post_upsert(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    department: str = "",
    locality: str = "",
    facing: str = "",
    iata: str = "",
    request: HttpRequest | None = None,
) -> tuple[Post, Outcome]:
    """Create the post with this code, or bring its facts up to date; audit only a change.

    A post's active state is left alone: a post closed by an administrator stays closed.
    """
    values = {
        "name": name.strip(),
        "kind": kind,
        "department": department,
        "locality": locality.strip(),
        "facing": facing.strip(),
        "iata": iata.strip().upper(),
    }
    _check_post(code, values)
    with transaction.atomic():
        post = Post.objects.select_for_update().filter(code=code).first()
        if post is None:
            post = Post(code=code, **values)
            post.full_clean()
            post.save(force_insert=True)
            audit.record(
                actor=actor,
                action="post.created",
                obj=post,
                request=request,
                details={"code": code, **values},
            )
            return post, "created"
        changed = {
            field: {"from": getattr(post, field), "to": value}
            for field, value in values.items()
            if getattr(post, field) != value
        }
        if not changed:
            return post, "unchanged"
        for field in changed:
            setattr(post, field, values[field])
        post.full_clean()
        post.save(update_fields=list(changed))
        audit.record(
            actor=actor,
            action="post.updated",
            obj=post,
            request=request,
            details={"code": code, **changed},
        )
    return post, "updated"


def _code_taken(post: Post, code: str) -> ValidationError:
    return ValidationError(
        {
            "code": _("The post %(post)s already has a counter %(code)s. Choose another code.")
            % {"post": post.code, "code": code}
        }
    )


def _clean_counter_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the counter a name.")})
    try:
        return Counter._meta.get_field("name").clean(name, None)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from None


def counter_create(
    *, actor, post: Post, code: str, name: str, request: HttpRequest | None = None
) -> Counter:
    """Open a counter at a post, with a code unique at that post (A1, D-2) and a name."""
    errors = {}
    try:
        name = _clean_counter_name(name)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not post.is_active:
        errors[NON_FIELD_ERRORS] = _("The post %(post)s is closed: it cannot open a counter.") % {
            "post": post.code
        }
    if not COUNTER_CODE_RE.match(code):
        errors["code"] = str(COUNTER_CODE_MESSAGE)
    elif Counter.objects.filter(post=post, code=code).exists():
        errors["code"] = _code_taken(post, code).message_dict["code"]
    if errors:
        raise ValidationError(errors)
    counter = Counter(post=post, code=code, name=name)
    with transaction.atomic():
        try:
            with transaction.atomic():
                counter.save(force_insert=True)
        except IntegrityError:
            # Another manager opened the same code between our check and our write.
            raise _code_taken(post, code) from None
        audit.record(
            actor=actor,
            action="counter.created",
            obj=counter,
            request=request,
            details={"post": post.code, "code": code, "name": name},
        )
    return counter


def counter_update(
    *,
    actor,
    counter: Counter,
    name: str | None = None,
    is_active: bool | None = None,
    request: HttpRequest | None = None,
) -> Counter:
    """Rename a counter, or close or reopen it (counters are never deleted); audit the change.

    An argument left as None is not changed. The code never changes: crossings refer to it.
    """
    wanted: dict[str, object] = {}
    if name is not None:
        wanted["name"] = _clean_counter_name(name)
    if is_active is not None:
        wanted["is_active"] = bool(is_active)
        if is_active and not counter.is_active and not counter.post.is_active:
            raise ValidationError(
                _("The post %(post)s is closed: its counters cannot be reopened.")
                % {"post": counter.post.code}
            )
    changed = {
        field: {"from": getattr(counter, field), "to": value}
        for field, value in wanted.items()
        if getattr(counter, field) != value
    }
    if not changed:
        return counter
    for field in changed:
        setattr(counter, field, wanted[field])
    with transaction.atomic():
        counter.save(update_fields=list(changed))
        audit.record(
            actor=actor,
            action="counter.updated",
            obj=counter,
            request=request,
            details={"post": counter.post.code, "code": counter.code, **changed},
        )
    return counter
