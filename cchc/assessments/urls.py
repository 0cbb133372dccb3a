from django.urls import path

from cchc.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_assessment, name="open"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/criteria/<int:score_pk>/self/", views.self_assess, name="self_assess"),
    path("<int:pk>/criteria/<int:score_pk>/appraise/", views.appraise, name="appraise"),
    path("<int:pk>/criteria/<int:score_pk>/respond/", views.respond, name="respond"),
    path("<int:pk>/<str:action>/", views.step, name="step"),
    path("frameworks/<int:pk>/", views.framework, name="framework"),
    path(
        "frameworks/<int:pk>/criteria/<int:criterion_pk>/",
        views.criterion_edit,
        name="criterion_edit",
    ),
    path(
        "frameworks/<int:pk>/criteria/<int:criterion_pk>/delete/",
        views.criterion_delete,
        name="criterion_delete",
    ),
    path("frameworks/<int:pk>/criteria/add/", views.criterion_add, name="criterion_add"),
    path("frameworks/<int:pk>/areas/<int:area_pk>/", views.area_edit, name="area_edit"),
    path("frameworks/<int:pk>/copy/", views.framework_copy, name="framework_copy"),
    path("frameworks/<int:pk>/results/", views.results, name="results"),
    path("frameworks/<int:pk>/remedy/", views.remedy, name="remedy"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    path("heads/", views.head_list, name="heads"),
    path("heads/<int:pk>/", views.head, name="head"),
    path("khao-sat/<str:code>/", views.sipas_public, name="sipas_public"),
]
