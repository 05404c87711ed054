"""An organisation's local measures on the public site: entering a month, uploading a file, its own charts.

Everything here is private to the organisation's members and the programme team
(``portal.core.access``: ``organisation_of`` and ``may_keep_records_for``), and
every response says so to caches (``never_cache``). The programme team open any
organisation's pages with ``?organisation=<id>``; a member's own organisation needs
no parameter.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.access import is_moderator, may_keep_records_for, organisation_of
from portal.core.purge import content_changed
from portal.roadmap.csv_import import MAX_UPLOAD_BYTES
from portal.roadmap.spc import month_year
from portal.taxonomy.models import Organisation

from .chart import change_idea_markers, local_chart
from .csv_upload import example_csv, months_by_line, parse_local_values, save_local_values
from .forms import MonthForm, UploadForm, header_for, own_header, parse_month
from .models import LocalMeasure, LocalSharing, LocalValue

ERRORS_SHOWN = 200


class _Refused(Exception):
    def __init__(self, response):
        self.response = response


def _message(request, title, text, status):
    return render(request, "localmeasures/message.html", {"title": title, "text": text}, status=status)


def _organisation(request):
    """The organisation whose records this request is about, or raise _Refused with the page to show."""
    user = request.user
    if not user.is_authenticated:
        raise _Refused(redirect_to_login(request.get_full_path()))
    asked = request.GET.get("organisation", "")
    if asked:
        # ASCII digits, and few enough for a database key: "²" or a thousand digits is no organisation, not a 500.
        organisation = (
            Organisation.objects.select_related("setting").filter(pk=asked).first()
            if asked.isascii() and asked.isdigit() and len(asked) <= 9
            else None
        )
        if organisation is None:
            raise Http404("No organisation with that number.")
    else:
        organisation = organisation_of(user)
        if organisation is None and is_moderator(user):
            raise _Refused(_choose_organisation(request))
    if organisation is None or not may_keep_records_for(user, organisation):
        raise _Refused(
            _message(
                request,
                "You cannot see these figures",
                "An organisation's local measures are open only to its approved members and the programme team. "
                "If you work there, check that your profile names it and that the programme team have approved "
                "your membership.",
                403,
            )
        )
    return organisation


def _choose_organisation(request):
    organisations = Organisation.objects.filter(setting__local_measures__isnull=False).distinct()
    return render(request, "localmeasures/choose.html", {"organisations": organisations.select_related("setting")})


def _suffix(request, organisation):
    """The query string that keeps the programme team on the organisation they opened."""
    own = organisation_of(request.user)
    if own is not None and own.pk == organisation.pk:
        return ""
    return "?" + urlencode({"organisation": organisation.pk})


def _measure_for(organisation, slug):
    measure = LocalMeasure.objects.filter(slug=slug, settings=organisation.setting_id).first()
    if measure is None:
        raise Http404("No local measure with that name for this organisation's care setting.")
    return measure


def _guarded(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Refused as refused:
            return refused.response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return never_cache(wrapped)


@_guarded
@require_http_methods(["GET"])
def index(request):
    organisation = _organisation(request)
    measures = list(LocalMeasure.objects.for_setting(organisation.setting_id).order_by("name"))
    latest = {
        row["measure"]: row["latest"]
        for row in LocalValue.objects.filter(organisation=organisation).values("measure").annotate(latest=Max("month"))
    }
    shared = set(LocalSharing.objects.filter(organisation=organisation, shared=True).values_list("measure", flat=True))
    suffix = _suffix(request, organisation)
    rows = [
        {
            "measure": measure,
            "url": reverse("localmeasures:measure", args=[measure.slug]) + suffix,
            "latest": latest.get(measure.pk),
            "shared": measure.pk in shared,
        }
        for measure in measures
    ]
    return render(request, "localmeasures/index.html", {"organisation": organisation, "rows": rows, "suffix": suffix})


@_guarded
@require_http_methods(["GET", "POST"])
def measure_view(request, slug):
    organisation = _organisation(request)
    measure = _measure_for(organisation, slug)
    values = list(LocalValue.objects.of(organisation, measure).select_related("entered_by"))
    for value in values:
        value.measure = measure  # each value's rate needs its measure: this one, not a query a month
    existing = {value.month: value for value in values}
    today = timezone.localdate()
    suffix = _suffix(request, organisation)
    here = reverse("localmeasures:measure", args=[slug]) + suffix
    if request.method == "POST":
        form = MonthForm(request.POST, measure=measure, existing=existing, today=today)
        if form.is_valid():
            month = form.cleaned_data["month"]
            if form.already_saved:
                # The same figures again (a double tap): they are saved, so say so once and save nothing.
                _say_once(request, f"Saved the figures for {month_year(month)}.")
                return redirect(here)
            try:
                _save_month(organisation, measure, form.cleaned_data, request.user, replace=month in existing)
            except IntegrityError:
                saved = LocalValue.objects.filter(organisation=organisation, measure=measure, month=month).first()
                if saved is not None and form.has_same_figures(saved):
                    # Both taps arrived together and the other one saved these very figures.
                    _say_once(request, f"Saved the figures for {month_year(month)}.")
                    return redirect(here)
                form.add_error("month", f"Someone else has just entered {month_year(month)}. Check it below.")
            else:
                verb = "Changed" if month in existing else "Saved"
                messages.success(request, f"{verb} the figures for {month_year(month)}.")
                return redirect(here)
    else:
        form = MonthForm(
            measure=measure,
            existing=existing,
            today=today,
            initial_month=parse_month(request.GET.get("month", "")),
        )
    charted = [value.month for value in values if value.value is not None]
    markers = change_idea_markers(organisation, charted[0], charted[-1]) if charted else []
    local = local_chart(measure, values, markers)
    rows_by_month = {row["date"]: row for row in local["rows"]} if local else {}
    sharing = LocalSharing.objects.filter(organisation=organisation, measure=measure, shared=True).exists()
    context = {
        "organisation": organisation,
        "measure": measure,
        "form": form,
        "table": [(value, rows_by_month.get(value.month, {})) for value in reversed(values)],
        "suffix": suffix,
        "here": here,
        "shared": sharing,
        "may_change_sharing": _is_own_member(request.user, organisation),
        "index_url": reverse("localmeasures:index") + suffix,
        "upload_url": reverse("localmeasures:upload", args=[slug]) + suffix,
        "sharing_url": reverse("localmeasures:sharing", args=[slug]) + suffix,
        "local": local,
    }
    status = 400 if form.errors else 200
    return render(request, "localmeasures/measure.html", context, status=status)


def _say_once(request, text):
    """Add a success message unless the same one is already waiting to be shown."""
    waiting = messages.get_messages(request)
    already = any(message.message == text for message in waiting)
    waiting.used = False  # looking must not mark the waiting messages as shown
    if not already:
        messages.success(request, text)


def _is_own_member(user, organisation):
    own = organisation_of(user)
    return own is not None and own.pk == organisation.pk


@transaction.atomic
def _save_month(organisation, measure, data, user, *, replace):
    fields = {
        "numerator": data["numerator"],
        "denominator": data.get("denominator"),
        "entered_by": user,
        "entered_at": timezone.now(),
    }
    if replace:
        month = LocalValue.objects.filter(organisation=organisation, measure=measure, month=data["month"])
        if month.filter(numerator=fields["numerator"], denominator=fields["denominator"]).exists():
            # The same figures again: nothing to record, and nothing for every kept page to be drawn afresh for.
            return
        month.update(changed=True, **fields)
        content_changed()  # update() sends no save signal; the public roll-ups may show this month
    else:
        LocalValue.objects.create(organisation=organisation, measure=measure, month=data["month"], **fields)


@_guarded
@require_http_methods(["GET", "POST"])
def upload(request, slug):
    organisation = _organisation(request)
    measure = _measure_for(organisation, slug)
    suffix = _suffix(request, organisation)
    upload_errors = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, measure=measure)
        if form.is_valid():
            file = form.cleaned_data["file"]
            content = file.read(MAX_UPLOAD_BYTES + 1)
            existing = {value.month: value for value in LocalValue.objects.of(organisation, measure)}
            parsed = parse_local_values(
                content,
                measure,
                today=timezone.localdate(),
                existing=existing,
                replace=form.cleaned_data["replace"],
            )
            if parsed.ok:
                added, replaced = save_local_values(organisation, measure, parsed.rows, request.user)
                messages.success(request, _uploaded_message(file.name, added, replaced))
                return redirect(reverse("localmeasures:measure", args=[slug]) + suffix)
            months = months_by_line(content)
            upload_errors = [(line, months.get(line, ""), problem) for line, problem in parsed.errors]
            form.add_error(
                "file", "Nothing was saved: the file has the problems listed below. Fix them and upload it again."
            )
    else:
        form = UploadForm(measure=measure)
    context = {
        "organisation": organisation,
        "measure": measure,
        "form": form,
        "header": ",".join(header_for(measure)),
        "own_header": ",".join(own_header(measure)),
        "example_url": reverse("localmeasures:example", args=[slug]) + suffix,
        "upload_errors": upload_errors[:ERRORS_SHOWN],
        "more_errors": max(len(upload_errors) - ERRORS_SHOWN, 0),
        "measure_url": reverse("localmeasures:measure", args=[slug]) + suffix,
        "index_url": reverse("localmeasures:index") + suffix,
    }
    return render(request, "localmeasures/upload.html", context, status=400 if form.errors else 200)


def _uploaded_message(name, added, replaced):
    """Which months an upload added, and which it replaced with their old and new figures."""
    parts = [f"Uploaded {name}."]
    parts.append(f"Added: {', '.join(month_year(month) for month in added)}." if added else "No new months were added.")
    if replaced:
        parts.append(
            "Replaced: " + "; ".join(f"{month_year(month)} ({old} → {new})" for month, old, new in replaced) + "."
        )
    return " ".join(parts)


@_guarded
@require_http_methods(["GET"])
def example(request, slug):
    """A made-up two-month file for the measure, with the header the upload accepts, to fill in or copy."""
    organisation = _organisation(request)
    measure = _measure_for(organisation, slug)
    response = HttpResponse(example_csv(measure, timezone.localdate()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{measure.slug}-example.csv"'
    return response


@_guarded
@require_POST
def sharing(request, slug):
    """Share, or stop sharing, a measure's figures with the public roll-up: the organisation's own members only."""
    organisation = _organisation(request)
    measure = _measure_for(organisation, slug)
    if not _is_own_member(request.user, organisation):
        return _message(
            request,
            "Only the organisation's members can change this",
            "Whether an organisation shares its figures is its own choice, made by its members.",
            403,
        )
    choice = request.POST.get("share")
    if choice not in ("yes", "no"):
        # Anything but the two buttons' values changes nothing: silence must not stop sharing.
        return _message(
            request,
            "Nothing was changed",
            f"Whether {organisation.name} shares its {measure.name.lower()} figures is still as it was. Choose "
            "‘Share with the city-wide totals’ or ‘Stop sharing’ on the measure's page.",
            400,
        )
    share = choice == "yes"
    LocalSharing.objects.update_or_create(
        organisation=organisation,
        measure=measure,
        defaults={"shared": share, "changed_by": request.user, "changed_at": timezone.now()},
    )
    messages.success(
        request,
        f"{organisation.name} now shares its {measure.name.lower()} figures with the city-wide roll-up."
        if share
        else f"{organisation.name}'s {measure.name.lower()} figures are now private.",
    )
    return redirect(reverse("localmeasures:measure", args=[slug]) + _suffix(request, organisation))
