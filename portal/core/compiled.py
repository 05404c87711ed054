"""A query the ORM writes once per process, then runs with a new value each time.

For the few small queries made on every signed-in page (the session,
``portal.core.access.standing``): building and compiling a queryset costs
about ten times what the database then takes to answer it (a fifth of a
millisecond against a fiftieth, on SQLite). Only the SQL text is kept, never
an answer. The queryset is built and compiled by the ORM as usual, with a
placeholder for the one value that changes, so the SQL is exactly what the ORM
would send; the row comes back through the converters the ORM applies (dates
and times, booleans).
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import connections


class CompiledQuery:
    """``build(value)`` returns a ``values_list`` queryset that uses ``value`` once; ``row(value, using)`` runs it.

    ``placeholder`` stands in for the value while the query is compiled: a
    value of the same type that no row has.
    """

    def __init__(self, build, placeholder):
        self._build = build
        self._placeholder = placeholder
        self._compiled = {}

    def _compile(self, using):
        compiler = self._build(self._placeholder).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        at = [index for index, param in enumerate(params) if param == self._placeholder]
        if len(at) != 1:
            raise ImproperlyConfigured(f"A compiled query must use its value exactly once, not {len(at)} times.")
        converters = [
            (position, converters, expression)
            for position, (converters, expression) in compiler.get_converters(
                [select[0] for select in compiler.select[: compiler.col_count]]
            ).items()
        ]
        return sql, list(params), at[0], converters

    def row(self, value, using):
        """The first row for ``value`` on database ``using``, converted as the ORM converts it, or None."""
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        sql, params, at, converters = compiled
        params = params.copy()
        params[at] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for position, convert_all, expression in converters:
            for convert in convert_all:
                row[position] = convert(row[position], expression, connection)
        return row
