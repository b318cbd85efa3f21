from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from bmis.accounts import services
from bmis.accounts.access import role_required
from bmis.accounts.forms import (
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    UserCreateForm,
    UserFilterForm,
    UserForm,
)
from bmis.accounts.models import User
from bmis.accounts.roles import Role
from bmis.core import audit
from bmis.core.forms import add_service_errors
from bmis.core.htmx import wants_fragment
from bmis.core.models import AuditEvent


def _safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    """Return `candidate` if it is a path on this node, else `default`."""
    if (
        candidate
        and candidate.startswith("/")
        and candidate.isprintable()
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default


def _lockout_message(lock: services.Lockout) -> str:
    minutes = lock.minutes_left()
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"), "")
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "core:home")
    form = LoginForm(request.POST or None)
    status, error = 200, None
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = audit.client_address(request)
        lock = services.login_lockout(username=username, address=address)
        if lock is None:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is not None:
                login(request, user)
                services.login_succeeded(user=user, request=request)
                return redirect(next_url or "core:home")
            lock = services.login_failed(username=username, request=request)
            error = _("The username or the password is not correct.")
        else:
            services.login_refused(username=username, request=request)
        if lock is not None:
            status, error = 429, _lockout_message(lock)
    elif request.method == "POST":
        error = _("Enter your username and your password.")
    context = {"form": form, "error": error, "next": next_url}
    if request.GET.get("expired"):
        context["expired"] = True
    return render(request, "accounts/login.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(actor=request.user, action="logout", obj=request.user, request=request)
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("accounts:login")


@login_required
@sensitive_post_parameters()
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            user=request.user, new_password=form.cleaned_data["new_password1"], request=request
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    sign_ins = AuditEvent.objects.filter(
        actor=request.user, action__in=["login", "logout", "user.password_changed"]
    ).order_by("-at")[:10]
    return render(request, "accounts/profile.html", {"sign_ins": sign_ins})


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user's choice is kept in their profile."""
    form = LanguageForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next"), reverse("core:home"))
    if not form.is_valid():
        messages.error(request, _("This language is not offered."))
        return redirect(next_url)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language, request=request)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


# --- Administrators: users, roles, posts --------------------------------------------------------


@role_required(Role.ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    users = User.objects.visible_to(request.user).select_related("post")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            users = users.filter(
                Q(username__icontains=data["q"])
                | Q(first_name__icontains=data["q"])
                | Q(last_name__icontains=data["q"])
            )
        if data["role"]:
            users = users.filter(role=data["role"])
        if data["post"]:
            users = users.filter(post=data["post"])
        if data["active"]:
            users = users.filter(is_active=data["active"] == "yes")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "locked": services.locked_usernames()}
    template = "accounts/user_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@role_required(Role.ADMIN)
@sensitive_post_parameters()
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["new_password1"],
                role=data["role"],
                post=data["post"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                language=data["language"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("User %(username)s created. Give them the temporary password in person.")
                % {"username": user.username},
            )
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@role_required(Role.ADMIN)
def user_detail(request: HttpRequest, user_id) -> HttpResponse:
    user = get_object_or_404(User.objects.visible_to(request.user), pk=user_id)
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.fields}
        # The form has already set the new values on its instance: the service compares them
        # with the user as stored.
        stored = User.objects.get(pk=user.pk)
        try:
            services.user_update(actor=request.user, user=stored, request=request, **changes)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user_detail", user_id=user.pk)
    elif request.method == "GET":
        audit.record(actor=request.user, action="user.viewed", obj=user, request=request)
    user.refresh_from_db()
    context = {
        "subject": user,
        "form": form,
        "reset_form": PasswordResetForm(user),
        "locked": user.username.casefold() in services.locked_usernames(),
        "events": AuditEvent.objects.filter(Q(actor=user) | Q(object_id=str(user.pk))).order_by(
            "-at"
        )[:20],
    }
    return render(request, "accounts/user_detail.html", context)


@role_required(Role.ADMIN)
@require_POST
@sensitive_post_parameters()
def user_reset_password(request: HttpRequest, user_id) -> HttpResponse:
    user = get_object_or_404(User.objects.visible_to(request.user), pk=user_id)
    form = PasswordResetForm(user, request.POST)
    if form.is_valid():
        services.user_reset_password(
            actor=request.user,
            user=user,
            password=form.cleaned_data["new_password1"],
            request=request,
        )
        messages.success(
            request,
            _("A temporary password is set for %(username)s; they must change it at sign-in.")
            % {"username": user.username},
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("accounts:user_detail", user_id=user.pk)


@role_required(Role.ADMIN)
@require_POST
def user_unlock(request: HttpRequest, user_id) -> HttpResponse:
    user = get_object_or_404(User.objects.visible_to(request.user), pk=user_id)
    if services.lockout_clear(actor=request.user, user=user, request=request):
        messages.success(
            request, _("%(username)s may sign in again.") % {"username": user.username}
        )
    else:
        messages.info(request, _("This account was not locked."))
    return redirect("accounts:user_detail", user_id=user.pk)
