from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from cchc.core.navigation import cards_for, home_context_for


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    home_ctx = home_context_for(request)
    sections = [(role_home, cards_for(role_home, home_ctx)) for role_home in home_ctx.roles]
    return render(request, "core/home.html", {"home": home_ctx, "sections": sections})
