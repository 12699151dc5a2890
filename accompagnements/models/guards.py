"""Transition conditions that can say, in French, what is missing."""


class Guard:
    """A django-fsm condition built from a function returning the missing items.

    django-fsm only needs a boolean; the service asks ``missing(case)`` to tell
    the user why a transition is refused.
    """

    def __init__(self, missing):
        self.missing = missing
        self.__name__ = missing.__name__.lstrip("_")

    def __call__(self, case) -> bool:
        return not self.missing(case)
