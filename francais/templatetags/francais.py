"""Template builtins (settings ``TEMPLATES`` ``builtins``): French plurals.

``pluralize`` replaces Django's, whose English rule puts 0 in the plural
(« 0 jours »); the arguments are the same (``"s"``, ``"al,aux"``)."""

from django import template

from francais import is_plural

register = template.Library()


@register.filter(is_safe=False)
def pluralize(value: object, arg: str = "s") -> str:
    if "," not in arg:
        arg = "," + arg
    bits = arg.split(",")
    if len(bits) > 2:
        return ""
    singular, plural = bits[:2]
    return plural if is_plural(value) else singular
