from territoires.scope import ScopedQuerySet, read_q, write_q


class SemiJoinScopedQuerySet(ScopedQuerySet):
    """Scope through a multi-valued lookup without duplicating rows.

    ``read_q`` OR-ed over a many-valued join (departments covered, cases of a
    collective ingénierie) can repeat a row; filtering on ``pk IN (…)`` cannot.
    """

    def visible_to(self, user):
        q = read_q(user, self.model, self.scope_fields)
        return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))

    def editable_by(self, user):
        q = write_q(user, self.model, self.scope_fields)
        return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))
