"""Per-request account rules: inactivity timeout, the user's language, forced password change."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from bmis.core import audit

# Seconds between two updates of a session's last activity.
LAST_SEEN_STEP = 30

# Pages a user who must change their password may still reach.
PASSWORD_CHANGE_EXEMPT = ("accounts:password_change", "accounts:logout", "accounts:language")


class AccountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            last_seen = request.session.get("last_seen")
            idle = settings.BMIS_SESSION_IDLE_MINUTES * 60
            if isinstance(last_seen, int | float) and now - last_seen > idle:
                return self._expire(request)
            if not isinstance(last_seen, int | float) or now - last_seen > LAST_SEEN_STEP:
                request.session["last_seen"] = now  # not on every request: each is a write
            if user.language in dict(settings.LANGUAGES):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            if user.must_change_password and not self._exempt(request):
                messages.warning(request, _("Choose a new password before you go on."))
                return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        exempt = {reverse(name) for name in PASSWORD_CHANGE_EXEMPT}
        return request.path in exempt or request.path.startswith(settings.STATIC_URL)

    @staticmethod
    def _expire(request: HttpRequest) -> HttpResponse:
        audit.record(
            actor=request.user, action="session.expired", obj=request.user, request=request
        )
        logout(request)
        target = reverse("accounts:login") + "?" + urlencode({"expired": 1, "next": request.path})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
