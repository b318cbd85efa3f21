from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bmis.core.htmx import wants_fragment
from bmis.reference.forms import CountrySearchForm
from bmis.reference.models import Country, RefusalReason, TravelPurpose
from bmis.reference.search import search_countries

COUNTRIES_PER_PAGE = 50


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Show the refusal reasons, the purposes of travel, and the codes with their search."""
    form = CountrySearchForm(request.GET or None)
    countries = Country.objects.filter(is_active=True)
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        if form.cleaned_data["kind"]:
            countries = countries.filter(kind=form.cleaned_data["kind"])
    matches = search_countries(countries, query)
    page = Paginator(matches, COUNTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": query,
        "reasons": RefusalReason.objects.filter(is_active=True),
        "purposes": TravelPurpose.objects.filter(is_active=True),
    }
    template = "reference/index.html"
    if wants_fragment(request):
        template += "#countries"
    return render(request, template, context)
