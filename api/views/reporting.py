"""Indicators of the dictionary for a year and a territory, and the anonymised dataset.

Figures are computed by ``reporting.indicators`` within what the person may read
(``Query(viewer=user)`` starts from each model's ``visible_to``); the dataset rows are
those of ``reporting.exports``, the same code as the national CSV export.
"""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting import exports
from reporting.indicators import REGISTRY, Level, Query, Scope, compute, resolve_scope
from reporting.indicators.base import THEMES
from territoires import policy

from ..pagination import SealedCursorPagination

FIRST_YEAR = 2015


def year_bounds() -> tuple[int, int]:
    return FIRST_YEAR, timezone.localdate().year


class YearParam(serializers.Serializer):
    annee = serializers.IntegerField(
        required=False,
        help_text="Année civile (activité comptée par année civile) ; par défaut l'année en cours.",
    )

    def validate_annee(self, value):
        first, last = year_bounds()
        if not first <= value <= last:
            raise serializers.ValidationError(f"Année entre {first} et {last}.")
        return value


class TerritoryParams(YearParam):
    region = serializers.CharField(
        required=False,
        max_length=3,
        help_text="Code INSEE de la région. Sans région ni département : le territoire "
        "du ou de la titulaire (son département, sa région, ou la France).",
    )
    departement = serializers.CharField(
        required=False, max_length=3, help_text="Code INSEE du département (prioritaire)."
    )


def _params(serializer_class, request):
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


# -- Dictionary ---------------------------------------------------------------------------------


class BreakdownSerializer(serializers.Serializer):
    libelle = serializers.CharField(read_only=True)
    modalites = serializers.DictField(
        child=serializers.CharField(),
        allow_null=True,
        read_only=True,
        help_text="Code → libellé ; null quand les modalités sont des territoires.",
    )
    territoires = serializers.ChoiceField(
        choices=[Level.REGION, Level.DEPARTEMENT], allow_null=True, read_only=True
    )


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    libelle = serializers.CharField(read_only=True)
    definition = serializers.CharField(read_only=True)
    unite = serializers.CharField(read_only=True)
    theme = serializers.ChoiceField(choices=list(THEMES.items()), read_only=True)
    ventilation = BreakdownSerializer(allow_null=True, read_only=True)


def describe(indicator) -> dict:
    breakdown = indicator.breakdown
    return {
        "code": indicator.code,
        "libelle": indicator.label,
        "definition": indicator.definition,
        "unite": indicator.unit,
        "theme": indicator.theme,
        "ventilation": None
        if breakdown is None
        else {
            "libelle": breakdown.label,
            "modalites": None if isinstance(breakdown.labels, str) else dict(breakdown.labels),
            "territoires": breakdown.labels if isinstance(breakdown.labels, str) else None,
        },
    }


class IndicatorListView(APIView):
    @extend_schema(
        summary="Dictionnaire des indicateurs",
        description="Tous les indicateurs calculables (liste fixe, non paginée).",
        responses=IndicatorSerializer(many=True),
    )
    def get(self, request):
        return Response([describe(i) for i in REGISTRY.values()])


# -- One indicator for a year and a territory ---------------------------------------------------

NUMBER = {"type": ["number", "null"]}
VALUE_SCHEMA = {
    "oneOf": [
        NUMBER,
        {"type": "object", "additionalProperties": NUMBER},
    ],
    "description": "Nombre (null si non calculable) ; pour un indicateur ventilé, "
    "un objet modalité → nombre (« » : non renseigné).",
}


@extend_schema_field(VALUE_SCHEMA)
class IndicatorValueField(serializers.JSONField):
    pass


class TerritorySerializer(serializers.Serializer):
    niveau = serializers.ChoiceField(
        choices=[Level.NATIONAL, Level.REGION, Level.DEPARTEMENT], read_only=True
    )
    code = serializers.CharField(read_only=True, help_text="Vide au niveau national.")
    nom = serializers.CharField(read_only=True)


class IndicatorValueSerializer(serializers.Serializer):
    indicateur = IndicatorSerializer(read_only=True)
    annee = serializers.IntegerField(read_only=True)
    territoire = TerritorySerializer(read_only=True)
    valeur = IndicatorValueField(read_only=True)
    version = serializers.IntegerField(
        allow_null=True,
        read_only=True,
        help_text="Version de l'instantané quand l'année est arrêtée ; null : calcul en direct.",
    )
    provisoire = serializers.BooleanField(
        read_only=True, help_text="Vrai tant que l'année n'est pas arrêtée (chiffres vivants)."
    )


class IndicatorValueView(APIView):
    @extend_schema(
        summary="Valeur d'un indicateur pour une année et un territoire",
        description="Calculée sur ce que le ou la titulaire peut lire. Un territoire hors de "
        "son périmètre donne une 404, jamais un chiffre tronqué.",
        parameters=[
            TerritoryParams,
            OpenApiParameter("code", str, OpenApiParameter.PATH, enum=list(REGISTRY)),
        ],
        responses=IndicatorValueSerializer,
    )
    def get(self, request, code):
        indicator = REGISTRY.get(code)
        if indicator is None:
            raise NotFound("Indicateur inconnu : voir /api/v1/indicateurs/.")
        if not policy.reads_case_data(request.user):
            # Funders read published figures on the dashboards; resource centres none.
            raise PermissionDenied("Les indicateurs de l'API sont réservés au réseau DLA.")
        params = _params(TerritoryParams, request)
        scope = resolve_scope(
            request.user,
            region=params.get("region", "").strip(),
            departement=params.get("departement", "").strip(),
        )
        query = Query(params.get("annee", year_bounds()[1]), scope, request.user)
        value = compute(query, [indicator])[indicator.code]
        # Statistics snapshots (issue 12) are not there yet: every figure is live.
        return Response(
            {
                "indicateur": describe(indicator),
                "annee": query.year,
                "territoire": _territory(scope),
                "valeur": value,
                "version": None,
                "provisoire": True,
            }
        )


def _territory(scope: Scope) -> dict:
    return {"niveau": scope.level, "code": scope.code, "nom": scope.name}


# -- The anonymised case-level dataset -----------------------------------------------------------

# Columns that are not text; everything else in exports.CASE_COLUMNS is a string.
COLUMN_FIELDS = {
    "annee": serializers.IntegerField,
    "qpv": serializers.BooleanField,
    "zrr": serializers.BooleanField,
    "tete_de_reseau": serializers.BooleanField,
    "nouvel_accompagnement": serializers.BooleanField,
    "diagnostic_valide": serializers.BooleanField,
    "ingenieries_individuelles": serializers.IntegerField,
    "ingenieries_collectives": serializers.IntegerField,
}
NULLABLE_COLUMNS = {"satisfaction_dernier_suivi": serializers.IntegerField}


def _column_field(name: str, description: str) -> serializers.Field:
    if name in NULLABLE_COLUMNS:
        return NULLABLE_COLUMNS[name](allow_null=True, help_text=description)
    return COLUMN_FIELDS.get(name, serializers.CharField)(help_text=description)


DatasetRowSerializer = type(
    "DatasetRowSerializer",
    (serializers.Serializer,),
    {c.name: _column_field(c.name, c.description) for c in exports.CASE_COLUMNS},
)


class CaseDatasetView(GenericAPIView):
    pagination_class = SealedCursorPagination
    serializer_class = DatasetRowSerializer

    @extend_schema(
        summary="Jeu de données anonymisé des accompagnements",
        description="Une ligne par accompagnement actif dans l'année, colonnes du schéma "
        f"d'export v{exports.SCHEMA_VERSION} (docs/exports.md). Réservé à l'opérateur national.",
        parameters=[YearParam],
        responses=DatasetRowSerializer(many=True),
    )
    def get(self, request):
        if not policy.may_export_national_statistics(request.user):
            raise PermissionDenied("Le jeu de données national est réservé à l'opérateur national.")
        year = _params(YearParam, request).get("annee", year_bounds()[1])
        query = Query(year, Scope.national(), request.user)
        # The k-anonymity is decided on the whole year, then the page is read.
        structures = exports.dataset_structures(query)
        cases = exports.dataset_queryset(query, structures[1])
        page = self.paginate_queryset(cases.values("pk"))
        names = [c.name for c in exports.CASE_COLUMNS]
        selected = cases.filter(pk__in=[row["pk"] for row in page])
        rows = [
            dict(zip(names, row, strict=True))
            for row in exports.case_rows(query, selected, structures)
        ]
        return self.get_paginated_response(rows)
