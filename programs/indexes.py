"""Index classes the portal's migrations refer to (so keep their import path)."""

from django.db import models
from django.db.models.expressions import OrderBy


class NullsOrderedIndex(models.Index):
    """An index whose ordered columns say where NULLs go, as the queries it serves do.

    PostgreSQL builds it as written (`DESC NULLS LAST`, `ASC NULLS LAST`), so an
    ORDER BY with the same modifiers is one index range. SQLite refuses NULLS
    FIRST/LAST in an index ("unsupported use of NULLS LAST"): there the same
    columns and directions are indexed without the modifiers. The query's
    order stays correct either way (it is the ORDER BY that places NULLs); only
    SQLite may sort a few rows itself (its DESC already puts NULLs last).
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql" or not self.expressions:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = models.Index(
            *[_without_nulls_modifier(expression) for expression in self.expressions],
            name=self.name,
            db_tablespace=self.db_tablespace,
            condition=self.condition,
            include=self.include,
        )
        return plain.create_sql(model, schema_editor, using=using, **kwargs)


def _without_nulls_modifier(expression):
    if isinstance(expression, OrderBy):
        return OrderBy(expression.expression, descending=expression.descending)
    return expression
