from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bmis.accounts"
    label = "accounts"
