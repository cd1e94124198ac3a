"""Officials import schools, catchments, policies and registries; a bad row writes nothing."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from api.admission.models import Address, CityPointsRecord, PropertyRecord, School, SocialInsuranceRecord
from api.common.db import unit_of_work
from api.extensions import db
from api.seed.residents import make_id_number

PARENT = make_id_number("331002", date(1985, 5, 5), 11)


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_schools_and_their_catchments_import_and_answer_the_district_lookup(runner, client, tmp_path):
    schools = write(
        tmp_path, "schools.csv", "name,level,ownership,address,lat,lon\n导入测试小学,primary,public,椒江区测试路1号,28.65,121.40\n"
    )
    assert "imported schools: 1" in runner.invoke(args=["admission", "import", "schools", schools]).output
    square = {"type": "Polygon", "coordinates": [[[121.3, 28.6], [121.5, 28.6], [121.5, 28.7], [121.3, 28.7], [121.3, 28.6]]]}
    geojson = write(
        tmp_path,
        "catchments.geojson",
        json.dumps(
            {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"school": "导入测试小学"}, "geometry": square}]}
        ),
    )
    assert "imported catchments: 1" in runner.invoke(args=["admission", "import", "catchments", geojson]).output
    answer = client.get("/api/v1/admission/district?lat=28.65&lon=121.4").json
    assert answer["primary"]["name"] == "导入测试小学"


def test_registries_import_with_id_numbers_stored_only_as_hashes(runner, tmp_path):
    with unit_of_work(db.session):
        db.session.add(Address(name="测试小区1幢", community="测试小区", lat=28.65, lon=121.4))
    files = {
        "properties": f"property_no,owner_id_number,address,registered_on\nJJ-FC-IMP-1,{PARENT},测试小区1幢,2020-01-02\n",
        "social-insurance": f"id_number,months\n{PARENT},18\n",
        "city-points": f'id_number,total,breakdown\n{PARENT},120,"{{""社保缴纳"": 60}}"\n',
    }
    for kind, text in files.items():
        result = runner.invoke(args=["admission", "import", kind, write(tmp_path, f"{kind}.csv", text)])
        assert f"imported {kind}: 1" in result.output, result.output
    record = db.session.scalar(select(PropertyRecord))
    assert PARENT not in record.owner_hash and len(record.owner_hash) == 64
    assert db.session.scalar(select(SocialInsuranceRecord.months)) == 18
    assert db.session.scalar(select(CityPointsRecord.breakdown)) == {"社保缴纳": 60}


def test_a_bad_row_names_its_line_and_nothing_of_the_file_is_written(runner, tmp_path):
    bad = PARENT[:17] + ("1" if PARENT[17] != "1" else "2")
    text = f"id_number,months\n{PARENT},18\n{bad},7\n"
    result = runner.invoke(args=["admission", "import", "social-insurance", write(tmp_path, "si.csv", text)])
    assert result.exit_code != 0 and "第 3 行" in result.output and "校验位" in result.output
    assert db.session.scalar(select(func.count()).select_from(SocialInsuranceRecord)) == 0


def test_a_file_without_the_required_columns_is_refused(runner, tmp_path):
    result = runner.invoke(args=["admission", "import", "schools", write(tmp_path, "s.csv", "name\n某小学\n")])
    assert result.exit_code != 0 and "缺少列" in result.output
    assert db.session.scalar(select(func.count()).select_from(School)) == 0
