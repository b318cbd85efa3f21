from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("bmis.core.urls")),
    path("accounts/", include("bmis.accounts.urls")),
    path("posts/", include("bmis.posts.urls")),
    path("reference/", include("bmis.reference.urls")),
    path("crossings/", include("bmis.crossings.urls")),
    path("watchlists/", include("bmis.watchlist.urls")),
    path("sync/", include("bmis.sync.urls")),
    path("stats/", include("bmis.stats.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "bmis.core.views.permission_denied"
handler404 = "bmis.core.views.page_not_found"
handler500 = "bmis.core.views.server_error"
