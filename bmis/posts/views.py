from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bmis.accounts.access import check_post, role_required
from bmis.accounts.models import User
from bmis.accounts.roles import POST_MANAGERS, POST_ROLES, STAFF_VIEWERS, Role
from bmis.accounts.services import locked_usernames
from bmis.core.forms import add_service_errors
from bmis.core.htmx import redirect_to, wants_fragment
from bmis.posts import services
from bmis.posts.forms import CounterCreateForm, CounterEditForm, PostFilterForm
from bmis.posts.models import Counter, Post

ROLE_ORDER = [Role.POST_CHIEF, Role.SUPERVISOR, Role.OFFICER]


def _back_to_post(request: HttpRequest, post: Post) -> HttpResponse:
    return redirect_to(request, reverse("posts:post_detail", args=[post.code]))


def staff_of_post(post: Post, viewer: User) -> list[User]:
    """Return the post's staff the viewer may see, chief first, each marked if locked out."""
    locked = locked_usernames()
    staff = list(User.objects.visible_to(viewer).filter(post=post))
    staff.sort(key=lambda member: (ROLE_ORDER.index(member.role), member.last_name))
    for member in staff:
        member.is_locked = member.username.casefold() in locked
    return staff


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    """List every post for headquarters; send post staff to their own post."""
    if request.user.role in POST_ROLES:
        return redirect("posts:post_detail", code=request.user.post.code)
    form = PostFilterForm(request.GET or None)
    posts = Post.objects.visible_to(request.user).annotate(
        counter_count=Count("counters", filter=Q(counters__is_active=True))
    )
    if form.is_valid():
        if form.cleaned_data["kind"]:
            posts = posts.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["department"]:
            posts = posts.filter(department=form.cleaned_data["department"])
    template = "posts/post_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, {"form": form, "posts": posts})


@login_required
def post_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show a post's facts and counters, and its staff to those who manage them."""
    post = get_object_or_404(Post, code=code)
    check_post(request, post)
    show_closed = request.GET.get("closed") == "1"
    counters = post.counters.all() if show_closed else post.counters.filter(is_active=True)
    context = {
        "post": post,
        "counters": counters,
        "show_closed": show_closed,
        "can_manage": request.user.role in POST_MANAGERS,
        "show_staff": request.user.role in STAFF_VIEWERS,
    }
    if wants_fragment(request):
        return render(request, "posts/post_detail.html#counters", context)
    if context["show_staff"]:
        context["staff"] = staff_of_post(post, request.user)
    return render(request, "posts/post_detail.html", context)


def _render_form(request: HttpRequest, form, post: Post, counter: Counter | None):
    template = "posts/counter_form.html"
    if wants_fragment(request):
        template += "#counter_form"
    return render(request, template, {"form": form, "post": post, "counter": counter})


def _managed_post(request: HttpRequest, code: str) -> Post:
    """Return the post of the address, refusing (403, audited) the staff of another post."""
    post = get_object_or_404(Post, code=code)
    check_post(request, post)
    return post


@role_required(POST_MANAGERS)
def counter_create(request: HttpRequest, code: str) -> HttpResponse:
    """Open a counter at a post (its chief, or an administrator)."""
    post = _managed_post(request, code)
    form = CounterCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            counter = services.counter_create(
                actor=request.user,
                post=post,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Counter %(code)s is open at %(post)s.")
                % {"code": counter.code, "post": post.code},
            )
            return _back_to_post(request, post)
    return _render_form(request, form, post, counter=None)


@role_required(POST_MANAGERS)
def counter_edit(request: HttpRequest, code: str, counter_id) -> HttpResponse:
    """Rename, close or reopen a counter of a post (its chief, or an administrator)."""
    post = _managed_post(request, code)
    counter = get_object_or_404(Counter, pk=counter_id, post=post)
    initial = {"name": counter.name, "is_active": counter.is_active}
    form = CounterEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.counter_update(
                actor=request.user,
                counter=counter,
                name=form.cleaned_data["name"],
                is_active=form.cleaned_data["is_active"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Counter %(code)s saved.") % {"code": counter.code})
            return _back_to_post(request, post)
    return _render_form(request, form, post, counter=counter)
