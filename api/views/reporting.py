"""Indicators of the dictionary for a year and a territory, and the anonymised dataset.

A frozen year (``reporting.snapshots.frozen``) is read from its latest snapshot, like the
dashboards, exports and PDF reports: the figures of the whole territory as frozen, the
value its publication shows (disclosure control, ``reporting.publication``), and the
snapshot's version. A year not frozen yet is computed live by ``reporting.indicators``
within what the person may read (``Query(viewer=user)`` starts from each model's
``visible_to``) and said provisional; national operators may ask for a frozen year live
(``calcul=provisoire``). The dataset rows are those of ``reporting.exports``, the same
code as the national CSV export, or the snapshot's once the year is frozen.
"""

from urllib import parse

from cryptography.fernet import InvalidToken
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from accompagnements.models import Accompagnement
from reporting import exports, snapshots
from reporting.indicators import REGISTRY, SECRET, Level, Query, Scope, compute, resolve_scope
from reporting.indicators.base import THEMES
from reporting.models import Snapshot
from territoires import policy

from ..pagination import INVALID_CURSOR, SealedCursorPagination

FIRST_YEAR = 2015
LIVE = "provisoire"
PUBLISHED = "publie"


def year_bounds() -> tuple[int, int]:
    return FIRST_YEAR, timezone.localdate().year


class YearParam(serializers.Serializer):
    annee = serializers.IntegerField(
        required=False,
        help_text="Année civile (activité comptée par année civile) ; par défaut l'année en cours.",
    )

    calcul = serializers.ChoiceField(
        choices=[(LIVE, "Recalcul en direct (provisoire)")],
        required=False,
        help_text="« provisoire » : une année arrêtée recalculée en direct au lieu d'être lue "
        "dans son instantané (opérateur national seulement, 403 sinon).",
    )

    def validate_annee(self, value):
        first, last = year_bounds()
        if not first <= value <= last:
            raise serializers.ValidationError(f"Année entre {first} et {last}.")
        return value

    def validate(self, attrs):
        # A blank query value reaches no field (DRF reads it as absent): refused here.
        if self.initial_data.get("calcul", None) == "":
            raise serializers.ValidationError({"calcul": [f"Valeur possible : « {LIVE} »."]})
        return attrs


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


def _snapshot(request, params: dict, year: int) -> Snapshot | None:
    """The year's latest snapshot, or ``None`` for figures computed live (provisional)."""
    if params.get("calcul") == LIVE:
        if not policy.may_recompute_frozen_year(request.user):
            raise PermissionDenied(
                "Le recalcul en direct d'une année arrêtée est réservé à l'opérateur national."
            )
        return None
    return snapshots.frozen(year)


class SnapshotSerializer(serializers.Serializer):
    version = serializers.IntegerField(read_only=True)
    cree_le = serializers.DateTimeField(read_only=True, help_text="Date de l'arrêté des chiffres.")
    sha256 = serializers.CharField(
        read_only=True, help_text="Empreinte de l'instantané (manage.py verify_snapshot)."
    )


def _describe_snapshot(snapshot: Snapshot | None) -> dict | None:
    if snapshot is None:
        return None
    return {
        "version": snapshot.version,
        "cree_le": snapshot.created_at.isoformat(),
        "sha256": snapshot.checksum,
    }


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


PUBLIC_NUMBER = {"oneOf": [NUMBER, {"type": "string", "enum": [SECRET]}]}
PUBLIC_VALUE_SCHEMA = {
    "oneOf": [
        PUBLIC_NUMBER,
        {"type": "object", "additionalProperties": PUBLIC_NUMBER},
    ],
    "description": "La valeur que publie l'année arrêtée (rapports PDF, export des "
    "indicateurs) : « s » pour une case masquée par le secret statistique. Null tant que "
    "l'année est provisoire.",
}


@extend_schema_field(VALUE_SCHEMA)
class IndicatorValueField(serializers.JSONField):
    pass


@extend_schema_field(PUBLIC_VALUE_SCHEMA)
class PublicValueField(serializers.JSONField):
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
    valeur_publiee = PublicValueField(read_only=True)
    statut = serializers.ChoiceField(
        choices=[
            (LIVE, "Provisoire : calculé en direct"),
            (PUBLISHED, "Publié : lu dans l'instantané de l'année arrêtée"),
        ],
        read_only=True,
    )
    version = serializers.IntegerField(
        allow_null=True,
        read_only=True,
        help_text="Version de l'instantané quand l'année est arrêtée ; null : calcul en direct.",
    )
    provisoire = serializers.BooleanField(
        read_only=True,
        help_text="Vrai pour un calcul en direct : année pas encore arrêtée, ou recalcul "
        "demandé par « calcul=provisoire ».",
    )
    instantane = SnapshotSerializer(read_only=True, allow_null=True)


class IndicatorValueView(APIView):
    @extend_schema(
        summary="Valeur d'un indicateur pour une année et un territoire",
        description="Une année arrêtée est lue dans son dernier instantané (statut « publie ») : "
        "les chiffres du territoire entier, tels que figés, et la valeur publiée après secret "
        "statistique, les mêmes que les tableaux de bord, les exports et les rapports PDF. "
        "Une année non arrêtée est calculée en direct sur ce que le ou la titulaire peut lire "
        "(statut « provisoire »). Un territoire hors de son périmètre donne une 404, jamais "
        "un chiffre tronqué.",
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
        snapshot = _snapshot(request, params, query.year)
        if snapshot is None:
            value = compute(query, [indicator])[indicator.code]
            published = None
        else:
            frozen = snapshots.scope_totals(snapshot, scope)
            # An indicator added to the dictionary after the freeze has no frozen figure.
            value = frozen.get(indicator.code)
            published = None
            if indicator.code in frozen:
                publication = snapshots.publication_of(snapshot)
                published = _published(publication, indicator, scope, value)
        return Response(
            {
                "indicateur": describe(indicator),
                "annee": query.year,
                "territoire": _territory(scope),
                "valeur": value,
                "valeur_publiee": published,
                "statut": LIVE if snapshot is None else PUBLISHED,
                "version": None if snapshot is None else snapshot.version,
                "provisoire": snapshot is None,
                "instantane": _describe_snapshot(snapshot),
            }
        )


def _published(published, indicator, scope: Scope, value):
    """What the year's publication shows of the cell: the overlay of dashboards and PDFs."""
    territory = scope.code if scope.level != Level.NATIONAL else ""
    if isinstance(value, dict):
        return {
            category: published.public(indicator.code, scope.level, territory, category)
            for category in value
        }
    return published.public(indicator.code, scope.level, territory)


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


class FrozenRowsPagination(SealedCursorPagination):
    """Pages of a frozen dataset: positions in the snapshot's row order, sealed like the
    live cursor (a live cursor is refused here, and the reverse)."""

    def paginate_rows(self, rows: list, request) -> list:
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.start = self._position(request, len(rows))
        self.count = len(rows)
        return rows[self.start : self.start + self.page_size]

    def _position(self, request, count: int) -> int:
        sealed = request.query_params.get(self.cursor_query_param)
        if sealed is None:
            return 0
        try:
            tokens = parse.parse_qs(self._fernet().decrypt(sealed.encode()).decode())
            position = int(tokens["i"][0])
        except (InvalidToken, ValueError, UnicodeError, KeyError):
            raise NotFound(INVALID_CURSOR) from None
        if not 0 <= position <= count:
            raise NotFound(INVALID_CURSOR)
        return position

    def _link(self, position: int | None) -> str | None:
        if position is None:
            return None
        if position == 0:
            return remove_query_param(self.base_url, self.cursor_query_param)
        sealed = self._fernet().encrypt(parse.urlencode({"i": position}).encode()).decode()
        return replace_query_param(self.base_url, self.cursor_query_param, sealed)

    def get_paginated_response(self, data):
        following = self.start + self.page_size
        return Response(
            {
                "next": self._link(following if following < self.count else None),
                "previous": self._link(max(self.start - self.page_size, 0) if self.start else None),
                "results": data,
            }
        )


class CaseDatasetView(GenericAPIView):
    pagination_class = SealedCursorPagination
    serializer_class = DatasetRowSerializer
    # Read by the schema generator only (the paginated list's model): the rows come from
    # exports.dataset_queryset or the year's snapshot, never from this queryset.
    queryset = Accompagnement.objects.none()

    @extend_schema(
        summary="Jeu de données anonymisé des accompagnements",
        description="Une ligne par accompagnement actif dans l'année, colonnes du schéma "
        f"d'export v{exports.SCHEMA_VERSION} (docs/exports.md). Une année arrêtée est lue "
        "dans son dernier instantané (les lignes figées, dans leur ordre) ; une année non "
        "arrêtée, ou « calcul=provisoire », est calculée en direct. Réservé à l'opérateur "
        "national.",
        parameters=[YearParam],
        responses=DatasetRowSerializer(many=True),
    )
    def get(self, request):
        if not policy.may_export_national_statistics(request.user):
            raise PermissionDenied("Le jeu de données national est réservé à l'opérateur national.")
        params = _params(YearParam, request)
        year = params.get("annee", year_bounds()[1])
        snapshot = _snapshot(request, params, year)
        if snapshot is not None:
            frozen = snapshots.dataset_of(snapshot)
            paginator = FrozenRowsPagination()
            page = paginator.paginate_rows(frozen["rows"], request)
            columns = frozen["columns"]
            return paginator.get_paginated_response(
                [dict(zip(columns, row, strict=True)) for row in page]
            )
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
