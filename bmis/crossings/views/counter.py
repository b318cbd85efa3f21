"""Placeholder: being written."""

from django.http import Http404


def counter(request, *args, **kwargs):
    raise Http404


def shift_open(request, *args, **kwargs):
    raise Http404


def shift_close(request, *args, **kwargs):
    raise Http404


def scan(request, *args, **kwargs):
    raise Http404


def record(request, *args, **kwargs):
    raise Http404


def secondary(request, *args, **kwargs):
    raise Http404


def referral(request, *args, **kwargs):
    raise Http404
