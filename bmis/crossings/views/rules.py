"""Placeholder: being written."""

from django.http import Http404


def rule_list(request, *args, **kwargs):
    raise Http404


def rule_create(request, *args, **kwargs):
    raise Http404


def rule_edit(request, *args, **kwargs):
    raise Http404
