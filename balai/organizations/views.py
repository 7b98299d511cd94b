"""The public directory of agencies at /instansi/."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from balai.organizations import selectors
from balai.organizations.forms import DirectorySearchForm


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    groups = selectors.public_directory(query=query) if not form.errors else []
    count = sum(len(organizations) for _label, organizations in groups)
    return render(
        request,
        "organizations/directory.html",
        {"form": form, "groups": groups, "query": query, "count": count},
        status=400 if form.errors else 200,
    )


@require_safe
def detail(request: HttpRequest, code: str) -> HttpResponse:
    organization = selectors.public_organization(code)
    if organization is None:
        raise Http404
    parent = organization.parent if organization.parent and organization.parent.is_active else None
    return render(
        request,
        "organizations/detail.html",
        {"organization": organization, "parent": parent, "units": list(selectors.public_units(organization))},
    )
