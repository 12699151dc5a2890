"""The request's frames in one chunk of the interpreter's frame stack (dla_suivi/datastack.py).

A new chunk is a new anonymous mapping: the first frame written in it costs a minor page
fault. Counting faults (not time) shows a call that maps a chunk at each call.
"""

import resource

import pytest
from django.conf import settings

from dla_suivi.datastack import call_with_room

CALLS = 1_000


def _leaf():
    return None


def _faults_of_calls_at(depth: int) -> int:
    """Minor page faults while ``CALLS`` calls are made from ``depth`` frames down."""
    if depth:
        return _faults_of_calls_at(depth - 1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(CALLS):
        _leaf()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _faults_by_depth() -> dict[int, int]:
    # 16 KiB chunks and frames of ~100 bytes: 200 depths cross at least one chunk's end.
    return {depth: _faults_of_calls_at(depth) for depth in range(200)}


def test_a_call_at_a_chunks_end_maps_no_chunk_per_call_with_room():
    # Without room, on an interpreter without the fix, one depth maps and unmaps a chunk
    # at each of the thousand calls.
    if max(_faults_by_depth().values()) < CALLS:
        pytest.skip("this interpreter keeps a chunk (gh-142183 fixed): nothing to show")
    with_room = call_with_room(_faults_by_depth)
    assert max(with_room.values()) < 10, with_room


def test_call_with_room_passes_arguments_and_result():
    def combine(a, b, *, c):
        return (a, b, c)

    assert call_with_room(combine, 1, 2, c=3) == (1, 2, 3)


def test_call_with_room_lets_exceptions_through():
    def fail():
        raise ValueError("refusé")

    with pytest.raises(ValueError, match="refusé"):
        call_with_room(fail)


def test_the_middleware_wraps_the_whole_chain():
    # First, so that the other middleware, the view and the templates run below it.
    assert settings.MIDDLEWARE[0] == "dla_suivi.datastack.DataStackRoomMiddleware"
