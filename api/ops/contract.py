"""The OpenAPI document as an exact contract: what flask-smorest cannot see from the schemas alone.

``install_field_rules`` (before the blueprints are registered) states the rules of our own fields and validators
(api/common/schemas.py) as patterns and formats. ``complete_contract`` (after) adds, for each operation:

- ``x-roles``: the roles its ``@requires`` guard admits (``admin`` also passes any official's guard);
- the 4xx answers it can give, each in the SPEC §2 error shape with the ``error`` codes it may carry:
  401 (signed in or keyed), 403 (role, plus the domain's own 403 refusals), 404 (an id in the path, or a
  record not the caller's), 400 (malformed JSON body), 409/422 (the domain's conflicts and refusals),
  429 (throttled guesses, sign-in);
- query parameters that only make sense together (marked ``x-together`` in the marshmallow field's metadata,
  e.g. ``lat`` and ``lon``) as one exploded form object: the wire stays ``?lat=..&lon=..``, and the document
  says both or neither; body properties marked ``x-exactly-one`` as a ``oneOf`` of their ``required``;
- OpenAPI links from each operation that creates something (201 with an ``id``) to the operations on
  ``{that path}/{id}...``, so a stateful client (schemathesis) can follow create → read → change.
"""

from __future__ import annotations

import inspect
import re
from collections import defaultdict
from collections.abc import Callable, Iterator

from flask import Flask
from marshmallow import fields, validate

from api.common.schemas import AsciiDigits, Day, IdNumber, LocalDateTime, Phone, Token, _QuantityField
from api.errors import HTTP_ERRORS, AppError

ERROR_REF = "#/components/schemas/Error"
_DESCRIPTIONS = {
    400: "Malformed JSON body",
    401: "Not signed in, or the token or API key is not valid",
    403: "Signed in, but this role may not do this",
    404: "No such record, or not the caller's",
    409: "Conflicts with the current state",
    422: "Invalid input (details: field → messages) or a refusal of the rules",
    429: "Too many attempts; try again after Retry-After seconds",
}
_DEFAULT_DESCRIPTION = "Refused"
_WRITE_METHODS = {"post", "put", "patch", "delete"}
# Refusals raised by code every domain goes through (Idempotency-Key, sign-in).
_SHARED_DOMAINS = ("common", "auth")


def _all_errors() -> Iterator[type[AppError]]:
    pending = list(AppError.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        yield cls


def _domain(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "api" else ""


def domain_codes() -> dict[str, dict[int, set[str]]]:
    """Each domain's own refusal codes by status, from the AppError subclasses its modules define."""
    codes: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for cls in _all_errors():
        domain = _domain(cls.__module__)
        if domain and 400 <= cls.status < 500:
            codes[domain][cls.status].add(cls.code)
    return codes


def _closure(func: Callable | None, name: str):
    """A variable a guard decorator closed over (``roles`` of ``requires``, ``wrong`` of ``guards_secret``)."""
    while func is not None:
        if func.__closure__:
            found = inspect.getclosurevars(func).nonlocals
            if name in found:
                return found[name]
        func = getattr(func, "__wrapped__", None)
    return None


def _views(app: Flask) -> dict[tuple[str, str], Callable]:
    """(OpenAPI path, method) → the view function, through MethodView classes."""
    views = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        view_class = getattr(view, "view_class", None)
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:  # every rule Flask builds lists its methods
            func = getattr(view_class, method.lower(), None) if view_class else view
            if func is not None:
                views[(path, method.lower())] = func
    return views


def _error_response(status: int, codes: set[str]) -> dict:
    return {
        "description": _DESCRIPTIONS.get(status, _DEFAULT_DESCRIPTION),
        "content": {
            "application/json": {
                "schema": {
                    "allOf": [{"$ref": ERROR_REF}],
                    "properties": {"status": {"type": "integer", "enum": [status]}, "error": {"type": "string", "enum": sorted(codes)}},
                }
            }
        },
    }


def _add_error(operation: dict, status: int, codes: set[str]) -> None:
    responses = operation.setdefault("responses", {})
    existing = responses.get(str(status))
    if existing and "content" not in existing:
        existing.update(_error_response(status, codes))
        return
    if existing:
        enum = existing["content"]["application/json"]["schema"].get("properties", {}).get("error", {}).get("enum")
        if enum is not None:
            enum[:] = sorted(set(enum) | codes)
        else:
            existing.update(_error_response(status, codes))
        return
    responses[str(status)] = _error_response(status, codes)


def _operations(paths: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in paths.items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def _document_errors(paths: dict, views: dict, codes_by_domain: dict) -> None:
    shared: dict[int, set[str]] = defaultdict(set)
    for domain in _SHARED_DOMAINS:
        for status, codes in codes_by_domain.get(domain, {}).items():
            shared[status] |= codes
    for path, method, operation in _operations(paths):
        func = views.get((path, method))
        own = (
            defaultdict(set, {s: set(c) for s, c in codes_by_domain.get(_domain(func.__module__), {}).items()})
            if func
            else defaultdict(set)
        )
        for status, codes in shared.items():
            own[status] |= codes
        _document_operation(path, method, operation, func, own)


def _document_operation(path: str, method: str, operation: dict, func: Callable | None, own: dict[int, set[str]]) -> None:
    """The statuses the operation's shape implies, then every status its domain (or the shared code) can refuse with."""
    security = [name for requirement in operation.get("security", []) for name in requirement]
    roles = _closure(func, "roles") if func else None
    if roles:
        operation["x-roles"] = list(roles)
    writes = method in _WRITE_METHODS
    parameters = operation.get("parameters", [])
    statuses = set()
    if security:
        statuses |= {401, 403} if "bearerAuth" in security else {401}
    if "{" in path or (writes and security):
        statuses.add(404)
    if "requestBody" in operation:
        statuses |= {400, 422}
    if any(p.get("in") in {"query", "header"} for p in parameters):
        statuses.add(422)
    if writes and "Idempotency-Key" in {p.get("name") for p in parameters}:
        statuses.add(409)
    if (func is not None and _closure(func, "wrong") is not None) or path.endswith("/auth/login"):
        statuses.add(429)
    statuses |= {status for status, codes in own.items() if codes}
    for status in sorted(statuses):
        generic = {HTTP_ERRORS[status][0]} if status in HTTP_ERRORS else set()
        _add_error(operation, status, generic | own.get(status, set()))


def _group_together(paths: dict) -> None:
    """Query parameters marked ``x-together: NAME`` become one optional, exploded form object named NAME."""
    for item in paths.values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            groups: dict[str, list[dict]] = defaultdict(list)
            for parameter in operation.get("parameters", []):
                group = parameter.get("x-together") or parameter.get("schema", {}).get("x-together")
                if parameter.get("in") == "query" and group:
                    groups[group].append(parameter)
            for group, members in groups.items():
                if len(members) < 2:
                    continue
                properties = {}
                for member in members:
                    schema = {k: v for k, v in member.get("schema", {}).items() if k != "x-together"}
                    if member.get("description"):
                        schema.setdefault("description", member["description"])
                    properties[member["name"]] = schema
                names = [m["name"] for m in members]
                operation["parameters"] = [p for p in operation["parameters"] if p not in members] + [
                    {
                        "in": "query",
                        "name": group,
                        "style": "form",
                        "explode": True,
                        "required": any(m.get("required") for m in members),
                        "description": f"{' + '.join(names)}: give all of them or none (sent as ?{'&'.join(n + '=…' for n in names)})",
                        "schema": {"type": "object", "properties": properties, "required": names, "additionalProperties": False},
                    }
                ]


def _exactly_one(schemas: dict) -> None:
    """Body properties marked ``x-exactly-one: NAME`` (e.g. a quantity in kg or in 斤): exactly one of them is given."""
    for schema in schemas.values():
        groups: dict[str, list[str]] = defaultdict(list)
        for name, prop in schema.get("properties", {}).items():
            if prop.get("x-exactly-one"):
                groups[prop["x-exactly-one"]].append(name)
        for names in groups.values():
            if len(names) > 1 and "oneOf" not in schema:
                schema["oneOf"] = [{"required": [name]} for name in names]


def _link_creations(paths: dict) -> None:
    """201 answers carrying an ``id`` link to every operation on ``{created path}/{param}...``."""
    for path, item in paths.items():
        create = item.get("post")
        if not create or "201" not in create.get("responses", {}):
            continue
        links = {}
        own_params = re.findall(r"{([^}]+)}", path)
        for other_path, other_item in paths.items():
            match = re.fullmatch(re.escape(path) + r"/\{([^}]+)\}(/.*)?", other_path)
            if not match:
                continue
            for method, operation in other_item.items():
                if method not in {"get", "post", "put", "patch", "delete"}:
                    continue
                parameters = {match[1]: "$response.body#/id"} | {p: f"$request.path.{p}" for p in own_params}
                name = operation.get("operationId") or f"{method}{other_path}"
                ref = _operation_ref(other_path, method)
                links[re.sub(r"[^A-Za-z0-9_.-]", "_", name)] = {"operationRef": ref, "parameters": parameters}
        if links:
            create["responses"]["201"]["links"] = links


def _operation_ref(path: str, method: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


# What the shared fields and validators of api/common/schemas.py accept, in JSON Schema (Python/ECMA regex).
NO_NUL = "^[^\\x00]*$"  # every string: a NUL character is refused (api/common/http.py)
_WS = r"[\s-]*"
PHONE_PATTERN = rf"^{_WS}(?:\+{_WS}8{_WS}6{_WS})?1{_WS}[3-9](?:{_WS}[0-9]){{9}}{_WS}$"  # normalize_phone drops spaces and dashes
ID_NUMBER_PATTERN = r"^\s*[0-9]{17}[0-9Xx]\s*$"  # normalize_id_number strips and upper-cases; then the check digit
DAY_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-"  # Day: years 1900-2100
DATETIME_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-"  # LocalDateTime: years 1900-2100 (in UTC)


def field_rules(self, field: fields.Field, ret: dict, **kwargs) -> dict:
    """apispec attribute function: the rules our own fields and validators enforce, stated in the document."""
    rules = _validator_rules(field, ret)
    if isinstance(field, IdNumber):
        rules.update(pattern=ID_NUMBER_PATTERN, format="gb11643-id-number")
    elif isinstance(field, Phone):
        rules["pattern"] = PHONE_PATTERN
    elif isinstance(field, Day):
        rules["pattern"] = DAY_PATTERN
    elif isinstance(field, LocalDateTime):
        rules["pattern"] = DATETIME_PATTERN
    elif isinstance(field, fields.String) and "pattern" not in ret and "pattern" not in rules and "enum" not in ret:
        rules["pattern"] = NO_NUL
    return rules


def _flat_validators(field: fields.Field) -> list:
    """The field's validators, with those inside ``validate.And`` taken out."""
    flat, pending = [], list(field.validators)
    while pending:
        validator = pending.pop(0)
        if isinstance(validator, validate.And):
            pending.extend(validator.validators)
        else:
            flat.append(validator)
    return flat


def _validator_rules(field: fields.Field, ret: dict) -> dict:
    rules: dict = {}
    if isinstance(field, _QuantityField):  # loaded as a Decimal with 2 places: anything under 0.005 becomes 0, refused
        rules.update(minimum=0.005, exclusiveMinimum=True)
    for validator in _flat_validators(field):
        rules.update(_one_validator(field, validator, ret))
    return rules


def _one_validator(field: fields.Field, validator, ret: dict) -> dict:
    if isinstance(validator, AsciiDigits):
        return {"pattern": f"^{validator.pattern.pattern}$"}
    if isinstance(validator, Token):
        return {
            "pattern": f"^{validator.pattern.pattern}$",
            "maxLength": min(validator.max_length, ret.get("maxLength", validator.max_length)),
            "minLength": max(1, ret.get("minLength", 1)),
        }
    if isinstance(validator, validate.NoneOf):
        return {"not": {"enum": list(validator.iterable)}}
    if isinstance(validator, validate.Length) and isinstance(field, fields.Dict):
        return {k: v for k, v in (("minProperties", validator.min), ("maxProperties", validator.max)) if v is not None}
    if isinstance(validator, validate.Range) and not isinstance(field, _QuantityField):
        rules = {k: v for k, v in (("minimum", validator.min), ("maximum", validator.max)) if v is not None}
        if validator.min is not None and not validator.min_inclusive:
            rules["exclusiveMinimum"] = True
        if validator.max is not None and not validator.max_inclusive:
            rules["exclusiveMaximum"] = True
        return rules
    return {}


def install_field_rules(api) -> None:
    """Before the blueprints are registered: teach flask-smorest's schema converter our fields' rules."""
    converter = api.ma_plugin.converter
    if field_rules not in [getattr(f, "__func__", None) for f in converter.attribute_functions]:
        converter.add_attribute_function(field_rules)


def complete_contract(app: Flask, spec) -> None:
    """Add roles, every 4xx answer with its codes, dependent parameters and links to ``spec`` (flask-smorest's)."""
    paths = spec.to_dict()["paths"]
    _document_errors(paths, _views(app), domain_codes())
    _group_together(paths)
    _exactly_one(spec.to_dict().get("components", {}).get("schemas", {}))
    _link_creations(paths)
