from django.urls import path

from cchc.directives import views

app_name = "directives"
urlpatterns = [
    path("", views.my_tasks_view, name="mine"),
    path("import/", views.import_view, name="import"),
    path("drafts/<int:pk>/", views.review_view, name="review"),
    path("documents/", views.document_list_view, name="documents"),
    path("documents/<int:pk>/", views.board_view, name="board"),
    path("tasks/<int:pk>/", views.task_view, name="task"),
    path("overview/", views.overview_view, name="overview"),
    path("records/", views.records_view, name="records"),
    path("tasks/<int:pk>/edit/", views.task_edit_view, name="task_edit"),
    path("coordination/", views.coordination_view, name="coordination"),
    path("contribution-files/<int:pk>/", views.contribution_file_view, name="contribution_file"),
    path("units/<int:unit_pk>/record/", views.unit_record_view, name="unit_record"),
]
