from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import buffer
from .forms import HistoryPreferenceForm, ReportPeriodForm
from .selectors import history_for, keeps_history, search_report
from .services import history_clear, history_set_kept


@login_required
@require_http_methods(["GET"])
def history(request: HttpRequest) -> HttpResponse:
    """A person's own history: recent searches and course views, the switch, and Clear."""
    buffer.flush()  # show what was done a moment ago too
    kept = keeps_history(user=request.user)
    events = history_for(user=request.user) if kept else []
    form = HistoryPreferenceForm(initial={"keep_history": kept})
    return render(request, "activity/history.html", {"events": events, "form": form, "kept": kept})


@login_required
@require_POST
def history_preference(request: HttpRequest) -> HttpResponse:
    form = HistoryPreferenceForm(request.POST)
    if form.is_valid():
        keep = form.cleaned_data["keep_history"]
        history_set_kept(user=request.user, keep=keep)
        messages.success(
            request, _("Your history is kept.") if keep else _("Your history is off and what was kept is cleared.")
        )
    return redirect("activity:history")


@login_required
@require_POST
def history_clear_view(request: HttpRequest) -> HttpResponse:
    history_clear(user=request.user)
    messages.success(request, _("Your history is cleared."))
    return redirect("activity:history")


@staff_member_required
@require_http_methods(["GET"])
def search_report_view(request: HttpRequest) -> HttpResponse:
    """Operators: what people search for, and what finds nothing."""
    buffer.flush()
    form = ReportPeriodForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    start, end = form.bounds()
    report = search_report(start=start, end=end)
    return render(
        request, "activity/search_report.html", {"form": form, "report": report}, status=200 if valid else 400
    )
