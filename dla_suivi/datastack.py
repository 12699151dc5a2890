"""Room on the interpreter's frame stack for a whole request (issue 18).

CPython (3.11 and later) keeps its Python frames on a per-thread stack made of 16 KiB
chunks. A call that does not fit in the current chunk maps a new one (``mmap``), and
returning from the frame at the base of that chunk unmaps it. Before CPython 3.14.4 and
the matching 3.13 release (gh-142183, "a pathological case where repeated calls at a
specific stack depth could be significantly slower"), nothing kept the chunk: when a
request's code calls in a loop from a depth that sits just below a chunk's end, every
call maps and unmaps one. Measured on this project's Python 3.13.0 (`strace -c`,
`docs/benchmarks.md`, sixteenth turn): ~2,400 ``mmap``/``munmap`` pairs per request of the
officer's case list, 10–12 ms of system time and a third of the request's CPU, more or
less from one process to the next as the depth at which the request starts moved.

``call_with_room`` calls a function from a frame that reserves 512 KiB of that stack:
the frame does not fit in any 16 KiB chunk, so it gets a chunk of its own (1 MiB), and
every frame of the call below it is laid out in that chunk's other half. One chunk
mapped per call instead of thousands; the reserved half is never written, so the kernel
gives it no memory. On an interpreter with the fix, it costs one ``mmap`` per call.
"""

from collections.abc import Callable
from typing import Any

# Slots of 8 bytes: 512 KiB reserved, a chunk of 1 MiB, 512 KiB for the frames below
# (a request's deepest stack here: ~40 KiB, template rendering included).
_RESERVED_SLOTS = 65_536


def call_with_room(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``, its frames in a stack chunk of their own."""
    return function(*args, **kwargs)


# A larger evaluation stack than the code needs is only reserved space: the interpreter
# sizes the frame from it and never reads past what the code pushes.
call_with_room.__code__ = call_with_room.__code__.replace(
    co_stacksize=call_with_room.__code__.co_stacksize + _RESERVED_SLOTS
)


class DataStackRoomMiddleware:
    """The first middleware: the rest of the chain, the view and the templates run in
    one chunk of the frame stack (``call_with_room``)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return call_with_room(self.get_response, request)
