"""Date and number formats for Haitian Creole (Django ships none): those of French."""

from django.conf.locale.fr.formats import *  # noqa: F403
