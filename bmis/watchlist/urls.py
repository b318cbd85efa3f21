from django.urls import path, register_converter

from bmis.watchlist.views import hits
from bmis.watchlist.views import lists as views


class ListCodeConverter:
    """An alert list's code in an address (services.CODE_RE): anything else is a 404."""

    regex = "[A-Z0-9_-]{2,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class EntryKindConverter:
    """What an entry is, as its list holds it: persons or documents."""

    regex = "persons|documents"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ListCodeConverter, "watchlist")
register_converter(EntryKindConverter, "entrykind")

app_name = "watchlist"
urlpatterns = [
    path("", views.list_index, name="list_index"),
    path("hits/", hits.retro_hits, name="retro_hits"),
    path("hits/<uuid:pk>/review/", hits.retro_hit_review, name="retro_hit_review"),
    path("monitoring/", hits.monitoring, name="monitoring"),
    path("new/", views.list_create, name="list_create"),
    path("<watchlist:code>/", views.list_detail, name="list_detail"),
    path("<watchlist:code>/edit/", views.list_edit, name="list_edit"),
    path("<watchlist:code>/import/", views.list_import, name="list_import"),
    path("<watchlist:code>/persons/new/", views.person_create, name="person_create"),
    path("<watchlist:code>/persons/<uuid:pk>/edit/", views.person_edit, name="person_edit"),
    path("<watchlist:code>/documents/new/", views.document_create, name="document_create"),
    path("<watchlist:code>/documents/<uuid:pk>/edit/", views.document_edit, name="document_edit"),
    path("<watchlist:code>/<entrykind:kind>/<uuid:pk>/", views.entry_detail, name="entry_detail"),
    path(
        "<watchlist:code>/<entrykind:kind>/<uuid:pk>/deactivate/",
        views.entry_deactivate,
        name="entry_deactivate",
    ),
    path(
        "<watchlist:code>/<entrykind:kind>/<uuid:pk>/reactivate/",
        views.entry_reactivate,
        name="entry_reactivate",
    ),
]
