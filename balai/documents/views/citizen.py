"""/saya/dokumen/: the signed-in person's own documents (results, receipts) and their downloads. Another
person's document is a 404, whoever asks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from balai.documents.selectors import document_for_holder, documents_for_holder
from balai.documents.views.common import download_response

PAGE_SIZE = 20


@never_cache
@login_required
@require_safe
def my_documents(request: HttpRequest) -> HttpResponse:
    page = Paginator(documents_for_holder(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documents/mine.html", {"page_obj": page, "documents": list(page.object_list)})


@login_required
@require_safe
def my_download(request: HttpRequest, public_id: str) -> HttpResponse:
    document = document_for_holder(request.user, public_id)
    if document is None:
        raise Http404
    return download_response(request, document, role="holder")
