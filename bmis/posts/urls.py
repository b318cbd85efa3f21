from django.urls import path

from bmis.posts import views

app_name = "posts"
urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("<str:code>/", views.post_detail, name="post_detail"),
    path("<str:code>/counters/new/", views.counter_create, name="counter_create"),
    path("<str:code>/counters/<uuid:counter_id>/", views.counter_edit, name="counter_edit"),
]
