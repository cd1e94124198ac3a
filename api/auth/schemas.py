"""Request and response shapes of identity."""

from marshmallow import Schema, fields, validate

from api.common.schemas import IdNumber, Phone, Token


class TicketExchange(Schema):
    ticket = fields.String(required=True, validate=Token(200, "票据格式无效 (ticket must be URL-safe ASCII, at most 200 characters)"))


class StaffLogin(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=50))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class UserOut(Schema):
    id = fields.Integer()
    name = fields.String()
    phone = fields.String(allow_none=True)
    roles = fields.List(fields.String())


class TokenOut(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(UserOut)


class MockTicketRequest(Schema):
    id_number = IdNumber(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    phone = Phone(required=True)


class MockTicketOut(Schema):
    ticket = fields.String()
    expires_in = fields.Integer()


class MockVerifyOut(Schema):
    id_number = fields.String()
    name = fields.String()
    phone = fields.String()


class MockChild(Schema):
    name = fields.String()
    id_number = fields.String()
    birth_date = fields.Date()


class MockResident(Schema):
    id_number = fields.String()
    name = fields.String()
    phone = fields.String()
    scenario = fields.String()
    children = fields.List(fields.Nested(MockChild))
    property_nos = fields.List(fields.String())
    vessel_no = fields.String(allow_none=True)


class MockResidentList(Schema):
    items = fields.List(fields.Nested(MockResident))
