from django.urls import path

from bmis.crossings.views import counter, records, rules

app_name = "crossings"
urlpatterns = [
    # The counter and secondary inspection (views/counter.py)
    path("counter/", counter.counter, name="counter"),
    path("counter/open/", counter.shift_open, name="shift_open"),
    path("counter/close/", counter.shift_close, name="shift_close"),
    path("counter/scan/", counter.scan, name="scan"),
    path("counter/record/", counter.record, name="record"),
    path("secondary/", counter.secondary, name="secondary"),
    path("secondary/<uuid:pk>/", counter.referral, name="referral"),
    path("secondary/<uuid:pk>/hits/", counter.hit_review, name="hit_review"),
    # The post's records (views/records.py)
    path("", records.today, name="today"),
    path("<uuid:pk>/", records.crossing_detail, name="crossing_detail"),
    path("<uuid:pk>/correct/", records.crossing_correct, name="crossing_correct"),
    path("<uuid:pk>/photo/", records.photo, name="photo"),
    path("travellers/", records.traveller_search, name="traveller_search"),
    path("travellers/<uuid:pk>/", records.traveller_detail, name="traveller_detail"),
    path("in-country/", records.in_country, name="in_country"),
    path("overstayers/", records.overstayers, name="overstayers"),
    path("cases/", records.cases, name="cases"),
    path("cases/<int:pk>/review/", records.case_review, name="case_review"),
    # Stay rules (views/rules.py)
    path("rules/", rules.rule_list, name="rules"),
    path("rules/new/", rules.rule_create, name="rule_create"),
    path("rules/<str:code>/", rules.rule_edit, name="rule_edit"),
]
