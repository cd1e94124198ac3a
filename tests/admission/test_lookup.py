"""The look-up functions of 入学一掌通: policies, addresses, catchments, schools on a map, seats, points."""

from __future__ import annotations

import pytest
from shapely.geometry import shape
from sqlalchemy import select

from api.admission.models import Address, School
from api.extensions import db
from tests.admission.helpers import admission_world, school_named, year
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers


@pytest.fixture(autouse=True)
def _world():
    admission_world()


def test_policies_can_be_filtered_by_level_and_keyword_and_read_one_by_one(client):
    everything = client.get("/api/v1/admission/policies").json["items"]
    assert len(everything) == 4
    junior = client.get("/api/v1/admission/policies?level=junior").json["items"]
    assert {p["level"] for p in junior} == {"junior", "all"}
    found = client.get("/api/v1/admission/policies?q=积分").json["items"]
    assert found and all("积分" in p["title"] + p["body"] for p in found)
    assert client.get(f"/api/v1/admission/policies/{found[0]['id']}").json["title"] == found[0]["title"]
    assert_error_shape(client.get("/api/v1/admission/policies/99999"), 404, "not_found")


def test_addresses_are_suggested_with_coordinates(client):
    items = client.get("/api/v1/admission/addresses?q=东山小区").json["items"]
    assert len(items) == 12 and all(i["name"].startswith("东山小区") and i["lat"] and i["lon"] for i in items)


def test_a_point_inside_each_catchment_finds_that_school(client):
    schools = db.session.scalars(select(School).where(School.catchment.is_not(None))).all()
    assert len(schools) >= 14
    for school in schools:
        inside = shape(school.catchment).representative_point()
        answer = client.get(f"/api/v1/admission/district?lat={inside.y}&lon={inside.x}").json
        assert answer[school.level]["id"] == school.id, school.name
        assert answer[school.level]["name"] == school.name


def test_every_point_of_the_district_has_one_primary_and_one_junior_school(client):
    address = db.session.scalar(select(Address).limit(1))
    answer = client.get(f"/api/v1/admission/addresses/{address.id}/district").json
    # SPEC §11's form, ?address_id=, answers the same through a redirect to the address's own operation.
    assert client.get(f"/api/v1/admission/district?address_id={address.id}", follow_redirects=True).json == answer
    assert answer["primary"] and answer["junior"] and answer["hint"] is None


def test_a_point_in_no_catchment_answers_nulls_with_a_hint(client):
    answer = client.get("/api/v1/admission/district?lat=28.45&lon=121.89").json
    assert answer["primary"] is None and answer["junior"] is None and "不在" in answer["hint"]


def test_the_district_needs_a_point_or_an_address(client):
    assert_error_shape(client.get("/api/v1/admission/district"), 422, "validation_error")
    assert_error_shape(client.get("/api/v1/admission/district?lat=28.6"), 422, "validation_error")
    assert_error_shape(client.get("/api/v1/admission/district?lat=north&lon=1"), 422, "validation_error")
    assert_error_shape(client.get("/api/v1/admission/addresses/424242/district"), 404, "not_found")


@pytest.mark.parametrize("near", ["here", "28.6", "91,121", "28.6,181", "28.6, 121.4", "1e1,2", "28.6,121.4\n", "２８,121"])
def test_near_is_a_point_of_the_documented_shape(client, near):
    assert_error_shape(client.get("/api/v1/admission/schools", query_string={"near": near}), 422, "validation_error")


@pytest.mark.parametrize("near", ["90,180", "-90.0,-180.000", "+0,0", "28.681234567,121.4"])
def test_every_near_of_the_documented_shape_is_a_point(client, near):
    assert client.get("/api/v1/admission/schools", query_string={"near": near}).status_code == 200


def test_schools_near_a_point_are_nearest_first_with_their_distance(client):
    answer = client.get("/api/v1/admission/schools?near=28.68,121.44&level=primary&limit=100").json
    distances = [s["distance_m"] for s in answer["items"]]
    assert distances == sorted(distances) and len(distances) == 9
    assert all(s["level"] == "primary" for s in answer["items"])
    close = client.get("/api/v1/admission/schools?near=28.68,121.44&radius_m=3000").json["items"]
    assert all(s["distance_m"] <= 3000 for s in close)


def test_schools_are_paginated_and_one_school_carries_its_catchment(client):
    first = client.get("/api/v1/admission/schools?limit=5").json
    second = client.get(f"/api/v1/admission/schools?limit=5&cursor={first['next_cursor']}").json
    assert len(first["items"]) == 5 and not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}
    school = school_named("椒江区实验小学")
    detail = client.get(f"/api/v1/admission/schools/{school.id}").json
    assert detail["catchment"]["type"] == "Polygon" and detail["ownership"] == "public"
    assert_error_shape(client.get("/api/v1/admission/schools?near=here"), 422, "validation_error")


def test_seats_show_planned_applied_admitted_and_remaining(client):
    school = school_named("椒江区海门小学")
    seats = client.get(f"/api/v1/admission/schools/{school.id}/seats").json
    assert seats["planned"] > 0 and seats["applied"] == seats["admitted"] == 0
    assert seats["remaining"] == seats["planned"]


def test_my_points_come_from_the_points_registry(client):
    points = client.get("/api/v1/admission/points/me", headers=citizen_headers(client, "new_resident")).json
    assert points["total"] == 168 and points["breakdown"]["社保缴纳"] == 78 and points["social_insurance_months"] == 26


def test_a_property_owner_sees_which_school_used_its_seat_and_others_get_not_found(client):
    owner = citizen_headers(client, "locked_seat")
    seats = client.get("/api/v1/admission/property-seats?property_no=JJ-FC-2016-00789", headers=owner).json
    used, until = year() - 4, year() + 1  # the demo's elder sibling started four years before this admission year
    assert seats["uses"] == [{"level": "primary", "school": "椒江区实验小学", "year": used, "locked_until_year": until}]
    other = citizen_headers(client, "parent_a")
    assert_error_shape(client.get("/api/v1/admission/property-seats?property_no=JJ-FC-2016-00789", headers=other), 404, "not_found")
