from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import scope_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(request, "network/home.html", {"scope": scope})
