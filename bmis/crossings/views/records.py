"""Placeholder: being written."""

from django.http import Http404


def today(request, *args, **kwargs):
    raise Http404


def crossing_detail(request, *args, **kwargs):
    raise Http404


def crossing_correct(request, *args, **kwargs):
    raise Http404


def photo(request, *args, **kwargs):
    raise Http404


def traveller_search(request, *args, **kwargs):
    raise Http404


def traveller_detail(request, *args, **kwargs):
    raise Http404


def in_country(request, *args, **kwargs):
    raise Http404


def overstayers(request, *args, **kwargs):
    raise Http404


def cases(request, *args, **kwargs):
    raise Http404


def case_review(request, *args, **kwargs):
    raise Http404
