"""Access helpers: every view reaches cases through visible_to / editable_by."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.shortcuts import render

from territoires.access import get_editable_or_403, get_visible_or_404

from .. import timeline
from ..models import Accompagnement, ComiteAppui, ComiteReview, PlanAction
from ..models.echanges import with_last_contact


def visible_case(request, pk, queryset=None):
    queryset = queryset if queryset is not None else Accompagnement.objects.for_lists()
    return get_visible_or_404(queryset, request.user, pk=pk)


def editable_case(request, pk, *, must_be_open=True):
    case = get_editable_or_403(Accompagnement.objects.for_lists(), request.user, pk=pk)
    if must_be_open and not case.is_open:
        raise PermissionDenied("Cet accompagnement est terminé : rouvrez-le pour le modifier.")
    return case


def case_page_queryset(user):
    """The case with what its page and fragments show of it, in one query.

    Also carries its last contact (``last_contact_at``) and whether ``user`` may
    write it (asked of ``editable_by``, the one rule; see ``remember_writable``).
    """
    cases = Accompagnement.objects.for_lists().select_related(
        "structure__region", "diagnostic", "parcours", "reoriented_to"
    )
    return with_writable(with_last_contact(cases), user)


def with_writable(cases, user):
    """``cases`` carrying whether ``user`` may write each (``writable_by_reader``)."""
    writable = Accompagnement.objects.editable_by(user).filter(pk=OuterRef("pk"))
    return cases.annotate(writable_by_reader=Exists(writable))


def timeline_queryset(user):
    """The case as its timeline shows it: its structure (the page's title), its phase
    and whether ``user`` may write it. Half the case page's query to build (its
    diagnostic, parcours, last contact… are not shown there); with which of the
    timeline's rarely used sources it has (``timeline.presence``)."""
    cases = Accompagnement.objects.select_related("structure").annotate(**timeline.presence())
    return with_writable(cases, user)


def visible_case_page(request, pk, queryset=None):
    """The case for its page or one of its fragments (``queryset``: the case page's by
    default): 404 out of scope, writability known."""
    if queryset is None:
        queryset = case_page_queryset(request.user)
    case = visible_case(request, pk, queryset)
    # Fill is_writable_by's cache from the annotation: no second query.
    case.__dict__.setdefault("_writable_by", {})[request.user.pk] = case.writable_by_reader
    return case


def prefetch_case_page(case):
    """Load everything the case page shows in a fixed number of queries."""
    prefetch_related_objects(
        [case],
        Prefetch(
            "plan_actions",
            queryset=PlanAction.objects.select_related(
                "acteur", "ingenierie__selected_prestataire"
            ),
            to_attr="actions",
        ),
        "followups",
        Prefetch(
            "comite_reviews",
            queryset=ComiteReview.objects.select_related("comite"),
            to_attr="reviews",
        ),
    )
    diagnostic = related_or_none(case, "diagnostic")
    if diagnostic is not None:
        prefetch_related_objects([diagnostic], "axes")
    return case


def mark_readable_comites(case, user) -> None:
    """Whether each comité that reviewed ``case`` may be opened by ``user`` (one query, if any).

    A readable case may have been reviewed by a comité its reader cannot open (a
    regional case, read by an officer of its department): its name is shown as text.
    """
    ids = {review.comite_id for review in case.reviews}
    readable = (
        set(ComiteAppui.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        if ids
        else set()
    )
    for review in case.reviews:
        review.comite_readable = review.comite_id in readable


def related_or_none(obj, name):
    """A reverse one-to-one (diagnostic, parcours) or None when not written yet."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def render_form(request, *, title, form, back_url, submit="Enregistrer", **extra):
    context = {"title": title, "form": form, "back_url": back_url, "submit": submit, **extra}
    return render(request, "accompagnements/form.html", context)
