from django.urls import path

from cchc.reforms import views

app_name = "reforms"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("thu-tuc/<int:pk>/", views.procedure_detail, name="procedure"),
    path("thu-tuc/<int:pk>/so-do.svg", views.procedure_map, name="procedure_map"),
    path("phuong-an/", views.proposals, name="proposals"),
    path("phuong-an/<int:pk>/", views.proposal, name="proposal"),
    path(
        "phuong-an/<int:pk>/<slug:action>/",
        views.proposal_action,
        name="proposal_action",
    ),
    path("phong-trao/", views.community, name="community"),
    path("tap-huan/moi/", views.training_new, name="training_new"),
    path("tap-huan/<int:pk>/", views.training, name="training"),
    path(
        "tap-huan/<int:pk>/tai-lieu/<int:material_pk>/",
        views.training_material,
        name="training_material",
    ),
    path("tuyen-truyen/<int:pk>/", views.outreach_edit, name="outreach"),
    path("sang-kien/<int:pk>/xem-xet/", views.initiative_review, name="initiative_review"),
]
