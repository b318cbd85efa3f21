from django.urls import path

from bmis.stats import evaluation, views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", views.reports, name="reports"),
    path("evaluation/", evaluation.views.evaluation, name="evaluation"),
    path("jobs/<uuid:pk>/", views.job, name="job"),
    path("jobs/<uuid:pk>/file/", views.job_file, name="job_file"),
]
