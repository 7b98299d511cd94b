"""The GeoReport v2 rendering (Spark convention) and argument parsing, without the database."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from xml.etree import ElementTree as ET  # noqa: S405 - parses our own output

import pytest
from django.http import QueryDict

from balai.complaints.open311.errors import Open311Error
from balai.complaints.open311.formats import render, render_errors, to_json, to_xml, w3_datetime
from balai.complaints.open311.params import (
    parse_attributes,
    parse_list,
    parse_location,
    parse_statuses,
    parse_w3_datetime,
)

JAKARTA = dt.timezone(dt.timedelta(hours=7))


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))  # noqa: S314 - our own output


def test_lists_get_a_singular_element_in_xml_and_stay_lists_in_json():
    document = {"service_requests": [{"service_request_id": "ADU-2026-000001", "status": "open"}]}
    root = parse(to_xml(document))
    assert root.tag == "service_requests"
    assert [child.tag for child in root] == ["request"]
    assert root.find("request/service_request_id").text == "ADU-2026-000001"
    assert json.loads(to_json(document)) == [{"service_request_id": "ADU-2026-000001", "status": "open"}]


def test_nested_lists_use_the_spec_names():
    document = {
        "service_definition": {
            "service_code": "001",
            "attributes": [{"code": "hazard", "values": [{"key": "ya", "name": "Ya"}]}],
        }
    }
    root = parse(to_xml(document))
    assert root.find("attributes/attribute/values/value/key").text == "ya"
    assert json.loads(to_json(document))["attributes"][0]["values"] == [{"key": "ya", "name": "Ya"}]


def test_updates_and_errors_use_their_own_element_names():
    root = parse(to_xml({"service_request_updates": [{"update_id": "1"}]}))
    assert [child.tag for child in root] == ["request_update"]
    root = parse(to_xml({"errors": [{"code": 400, "description": "x"}]}))
    assert [child.tag for child in root] == ["error"]


def test_scalars_booleans_decimals_and_empty_values():
    document = {"r": {"metadata": True, "lat": Decimal("-6.595000"), "empty": None, "blank": ""}}
    root = parse(to_xml(document))
    assert root.find("metadata").text == "true"
    assert root.find("lat").text == "-6.595"
    assert root.find("empty").text is None
    data = json.loads(to_json(document))
    assert data == {"metadata": True, "lat": -6.595, "empty": None, "blank": None}


def test_datetimes_carry_their_offset():
    moment = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
    assert w3_datetime(moment) == "2026-03-02T08:30:00+07:00"
    root = parse(to_xml({"r": {"at": moment}}))
    assert root.find("at").text == "2026-03-02T08:30:00+07:00"
    assert json.loads(to_json({"r": {"at": moment}})) == {"at": "2026-03-02T08:30:00+07:00"}


def test_markup_is_escaped_and_control_characters_are_dropped():
    hostile = "<script>alert('x')</script> & \x00\x07 ]]> \ufffe"
    text = to_xml({"r": {"description": hostile}})
    assert "<script>" not in text
    root = parse(text)
    assert root.find("description").text == "<script>alert('x')</script> &  ]]> "
    assert json.loads(to_json({"r": {"description": hostile}}))["description"] == "<script>alert('x')</script> &  ]]> "


def test_responses_have_the_spec_content_types():
    assert render({"services": []}, "xml")["Content-Type"] == "text/xml; charset=utf-8"
    assert render({"services": []}, "json")["Content-Type"] == "application/json; charset=utf-8"
    response = render_errors([(404, "not here")], "json", status=404)
    assert response.status_code == 404
    assert json.loads(response.content) == [{"code": 404, "description": "not here"}]
    response = render_errors([(400, "bad")], "html", status=400)
    assert parse(response.content.decode()).find("error/code").text == "400"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-01-31T00:00:00Z", dt.datetime(2026, 1, 31, tzinfo=dt.UTC)),
        ("2026-01-31T07:00:00+07:00", dt.datetime(2026, 1, 31, 7, tzinfo=JAKARTA)),
        ("2026-01-31T07:00:00 07:00", dt.datetime(2026, 1, 31, 7, tzinfo=JAKARTA)),  # "+" decoded as a space
        ("2026-01-31", dt.datetime(2026, 1, 31, tzinfo=JAKARTA)),
    ],
)
def test_w3_datetimes_are_read(raw, expected):
    assert parse_w3_datetime(raw, "start_date") == expected


@pytest.mark.parametrize(
    "raw", ["yesterday", "2026-13-01", "2026-01-31T07:00:00", "31/01/2026", "0001-01-01", "9999-12-31"]
)
def test_bad_w3_datetimes_are_refused_with_400(raw):
    with pytest.raises(Open311Error) as caught:
        parse_w3_datetime(raw, "start_date")
    assert caught.value.status == 400
    assert "start_date" in caught.value.errors[0][1]


def test_lists_and_statuses():
    assert parse_list(" a, b,,a ,c ", "x") == ["a", "b", "c"]
    assert parse_statuses("open,CLOSED") == ["open", "closed"]
    with pytest.raises(Open311Error):
        parse_statuses("open,fixed")
    with pytest.raises(Open311Error):
        parse_list("x" * 65, "service_request_id")
    with pytest.raises(Open311Error):
        parse_list(",".join(str(n) for n in range(1001)), "service_request_id")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("lat=-6.5", "lat and long together"),
        ("lat=91&long=106", "lat must be between"),
        ("lat=-6.5&long=181", "long must be between"),
        ("lat=abc&long=106", "lat must be a number"),
        ("lat=NaN&long=106", "lat must be a number"),
        ("", "A location is required"),
        ("address_id=55", "address_id is not supported"),
    ],
)
def test_bad_locations(body, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(Open311Error) as caught:
        parse_location(QueryDict(body))
    assert message in caught.value.errors[0][1]


def test_locations_read():
    lat, lon, address = parse_location(QueryDict("lat=-6.5950001&long=106.8166&address_string=Jl.+Pasar"))
    assert (lat, lon, address) == (Decimal("-6.595000"), Decimal("106.816600"), "Jl. Pasar")
    assert parse_location(QueryDict("address_string=Kantor+camat")) == (None, None, "Kantor camat")


def test_attributes_single_and_multiple_values():
    data = QueryDict("attribute[hazard]=ya&attribute[kinds][]=a&attribute[kinds][]=b&attribute[empty]=&other=1")
    assert parse_attributes(data) == {"hazard": "ya", "kinds": ["a", "b"]}


def test_a_single_value_attribute_sent_twice_is_refused():
    with pytest.raises(Open311Error) as caught:
        parse_attributes(QueryDict("attribute[hazard]=ya&attribute[hazard]=tidak"))
    assert caught.value.status == 400


def test_attribute_names_are_checked():
    with pytest.raises(Open311Error):
        parse_attributes(QueryDict("attribute[<b>]=1"))
