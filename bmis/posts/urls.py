from django.urls import path, register_converter

from bmis.posts import views


class PostCodeConverter:
    """A post's code in an address: anything else is not a post, so the address is a 404."""

    regex = "[A-Z0-9]{2,10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PostCodeConverter, "post")

app_name = "posts"
urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("<post:code>/", views.post_detail, name="post_detail"),
    path("<post:code>/counters/new/", views.counter_create, name="counter_create"),
    path("<post:code>/counters/<uuid:counter_id>/", views.counter_edit, name="counter_edit"),
]
