"""k-anonymity of the case-level dataset: no combination of department, legal form,
sector, size class and year is shared by fewer than 5 structures."""

from collections import Counter, defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accompagnements.models import State
from reporting import exports
from reporting.anonymity import STEPS, QuasiIdentifiers, k_anonymise
from reporting.indicators import Query, Scope
from structures.models import LegalForm, Sector
from territoires.actors import SYSTEM
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import StructureFactory

from .factories import journal
from .known_answers import at, build_known_answers
from .test_exports import parse_csv

QUASI_IDENTIFIERS = [
    "annee",
    "code_region",
    "code_departement",
    "forme_juridique",
    "secteur",
    "classe_taille",
]


def Q(region, departement, form, sector, size):
    return QuasiIdentifiers(region, departement, form, sector, size)


def test_small_groups_are_generalised_step_by_step_then_left_out():
    records = {f"a{i}": Q("53", "35", "association", "culture", "1-9") for i in range(5)}
    records |= {f"b{i}": Q("53", "29", "association", "sport", "1-9") for i in range(3)}
    records |= {"c0": Q("53", "22", "association", "sport", "10-49")}
    records |= {"c1": Q("53", "56", "association", "culture", "0")}
    records |= {"d0": Q("52", "44", "scop", "culture", "1-9")}
    recoding = k_anonymise(records)
    # Five alike: published as they are.
    assert recoding.published["a0"] == Q("53", "35", "association", "culture", "1-9")
    # Three in 29, one in 22, one in 56: their department, sector and size give way.
    for key in ("b0", "b1", "b2", "c0", "c1"):
        assert recoding.published[key] == Q("53", "s", "association", "s", "s")
    # Alone in its region, whatever is hidden: left out.
    assert recoding.suppressed == {"d0"}


quasi = st.builds(
    QuasiIdentifiers,
    st.sampled_from(["53", "52"]),
    st.sampled_from(["35", "29", "44"]),
    st.sampled_from(["association", "scop", "fondation"]),
    st.sampled_from(["culture", "sport", "autre"]),
    st.sampled_from(["0", "1-9", "10-49", "50+"]),
)


@given(st.dictionaries(st.integers(0, 10_000), quasi, max_size=80))
def test_every_published_combination_is_shared_by_five_structures(records):
    recoding = k_anonymise(records)
    groups = defaultdict(set)
    for key, published in recoding.published.items():
        groups[published].add(key)
    assert all(len(keys) >= 5 for keys in groups.values())
    assert set(recoding.published) | recoding.suppressed == set(records)
    assert not set(recoding.published) & recoding.suppressed
    # Only hidden values (« s ») or the structure's own are published.
    for key, published in recoding.published.items():
        original = records[key]
        assert published.departement in (original.departement, "s")
        assert published.sector in (original.sector, "s")
        assert published.size_class in (original.size_class, "s")


@pytest.fixture
def crowd(personas):
    """The known-answer data set, plus 12 associations of culture with 3 employees in
    Ille-et-Vilaine, opened in March 2025."""
    known = build_known_answers(personas)
    for _ in range(12):
        case = AccompagnementFactory(
            structure=StructureFactory(
                legal_form=LegalForm.ASSOCIATION, sector=Sector.CULTURE, headcount=3
            ),
            officer=personas.officer_a,
            opened_on=at(2025, 3, 1).date(),
            state=State.ACCUEIL,
        )
        journal(case, personas.officer_a, [("", State.ACCUEIL, at(2025, 3, 1))])
    return known


def published_rows():
    content = exports.export_file(Query(2025, Scope.national(), SYSTEM), "accompagnements", "csv")
    header, *rows = parse_csv(content)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_no_combination_of_the_export_is_shared_by_fewer_than_5_structures(crowd):
    rows = published_rows()
    groups = defaultdict(set)
    for row in rows:
        groups[tuple(row[c] for c in QUASI_IDENTIFIERS)].add(row["id_structure"])
    assert {key: len(ids) for key, ids in groups.items()} == {
        # The 12 and K2 (35, association, culture, 1 to 9 employees).
        ("2025", "53", "35", "association", "culture", "1-9"): 13,
        # K3, K5, K10, K11, K12: department, sector and size hidden.
        ("2025", "53", "s", "association", "s", "s"): 5,
    }
    # K6 (SCOP) and K7 (SCIC), the only cooperatives, and K9, alone in Pays de la Loire,
    # stay in no group of 5 whatever is hidden: left out (21 structures, 18 published).
    assert len(rows) == 18
    assert "52" not in {row["code_region"] for row in rows}


def test_the_api_pages_and_the_frozen_dataset_are_the_same_k_anonymous_rows(crowd):
    from reporting import campaigns, snapshots

    rows = published_rows()
    snapshot = campaigns.freeze_year(2025, by=SYSTEM).snapshot
    frozen = snapshots.dataset_of(snapshot)
    assert frozen["schema"] == exports.SCHEMA_VERSION == "2.0"
    assert len(frozen["rows"]) == len(rows) == 18
    assert published_rows() == rows


def _generalised_one_structure_at_a_time(records, k=5):
    """The recoding as docs/exports.md states it, structure by structure: at each step,
    every structure of a combination shared by fewer than k is generalised."""
    published = dict(records)
    for _name, coarsen in STEPS:
        sizes = Counter(published.values())
        published = {
            key: coarsen(record) if sizes[record] < k else record
            for key, record in published.items()
        }
    sizes = Counter(published.values())
    return (
        {key: record for key, record in published.items() if sizes[record] >= k},
        {key for key, record in published.items() if sizes[record] < k},
    )


@given(st.dictionaries(st.integers(0, 10_000), quasi, max_size=120))
def test_recoding_by_combination_is_the_recoding_structure_by_structure(records):
    # k_anonymise runs the steps on distinct combinations with their counts.
    recoding = k_anonymise(records)
    published, suppressed = _generalised_one_structure_at_a_time(records)
    assert recoding.published == published
    assert recoding.suppressed == suppressed
