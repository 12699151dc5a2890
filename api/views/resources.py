"""Structures, cases and the shared registers: each through its model's ``visible_to``."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from accompagnements.filters import AccompagnementFilter
from accompagnements.models import (
    Accompagnement,
    ActeurAppui,
    Diagnostic,
    Ingenierie,
    Prestataire,
    TransitionLog,
)
from structures.filters import StructureFilter
from structures.models import Structure

from .. import serializers


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and details of what the user may read; anything else is a 404, like the pages."""

    model: type

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_queryset(self):
        return self.base_queryset()


LIST_DOC = "Seuls les éléments visibles par le ou la titulaire du jeton sont listés."
DETAIL_DOC = "404 si l'élément n'existe pas ou n'est pas dans le périmètre du ou de la titulaire."


YES_NO = ["oui", "non"]


@extend_schema_view(
    list=extend_schema(
        summary="Structures",
        description=LIST_DOC,
        # The list page's yes/no filters: documented as what they accept.
        parameters=[
            OpenApiParameter("in_qpv", str, enum=YES_NO, description="En QPV"),
            OpenApiParameter("in_zrr", str, enum=YES_NO, description="En ZRR"),
        ],
    ),
    retrieve=extend_schema(summary="Une structure", description=DETAIL_DOC),
)
class StructureViewSet(ScopedViewSet):
    model = Structure
    serializer_class = serializers.StructureSerializer
    filterset_class = StructureFilter

    def get_queryset(self):
        return self.base_queryset().select_related("departement", "region")


@extend_schema_view(
    list=extend_schema(summary="Accompagnements", description=LIST_DOC),
    retrieve=extend_schema(
        summary="Un accompagnement, avec son journal, son diagnostic et ses ingénieries",
        description=DETAIL_DOC,
    ),
)
class CaseViewSet(ScopedViewSet):
    model = Accompagnement
    serializer_class = serializers.CaseSerializer
    filterset_class = AccompagnementFilter

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.CaseDetailSerializer
        return serializers.CaseSerializer

    def get_queryset(self):
        queryset = self.base_queryset().select_related("structure", "dla", "officer")
        if self.action != "retrieve":
            return queryset
        user = self.request.user
        return queryset.prefetch_related(
            Prefetch("journal", TransitionLog.objects.select_related("user")),
            "diagnostic__axes",
            Prefetch(
                "ingenieries",
                Ingenierie.objects.visible_to(user)
                .select_related("selected_prestataire")
                .order_by("pk"),
                to_attr="visible_ingenieries",
            ),
        )

    def get_object(self):
        case = super().get_object()
        try:
            case.api_diagnostic = case.diagnostic
        except Diagnostic.DoesNotExist:
            case.api_diagnostic = None
        return case


@extend_schema_view(
    list=extend_schema(summary="Prestataires", description=LIST_DOC),
    retrieve=extend_schema(summary="Un prestataire", description=DETAIL_DOC),
)
class PrestataireViewSet(ScopedViewSet):
    model = Prestataire
    serializer_class = serializers.PrestataireSerializer

    def get_queryset(self):
        return self.base_queryset().select_related("region", "dla")


@extend_schema_view(
    list=extend_schema(summary="Acteurs d'appui", description=LIST_DOC),
    retrieve=extend_schema(summary="Un acteur d'appui", description=DETAIL_DOC),
)
class ActeurViewSet(ScopedViewSet):
    model = ActeurAppui
    serializer_class = serializers.ActeurSerializer

    def get_queryset(self):
        return self.base_queryset().select_related("region", "dla").prefetch_related("departements")
