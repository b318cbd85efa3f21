from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "bmis.posts"
    label = "posts"
