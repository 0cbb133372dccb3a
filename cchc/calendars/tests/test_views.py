import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user())
    return client


def test_login_required(client):
    response = client.get("/calendars/2026/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_year_page_lists_days_off_and_make_up_days(staff_client, django_assert_max_num_queries):
    staff_client.get("/calendars/2026/")  # warm the calendar cache
    # session + user + the 3 queries of year_overview + the menu's role assignments.
    with django_assert_max_num_queries(6):
        response = staff_client.get("/calendars/2026/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lịch làm việc năm 2026" in page  # not "2.026" (thousand separators are on)
    assert "&larr; 2025</a>" in page and "2027 &rarr;" in page
    assert "02/01/2026" in page and "12729/VPCP-KGVX" in page
    assert "24/11/2026" in page and "Ngày Văn hóa Việt Nam" in page
    assert "10/01/2026" in page and "22/08/2026" in page
    assert "15/02/2026" not in page  # weekends are not listed as days off


def test_calculator(staff_client):
    page = staff_client.get(
        "/calendars/2024/",
        {"received": "2024-02-05T10:00", "amount": "5", "time_unit": "working_days"},
    ).content.decode()
    assert "17:00 19/02/2024" in page


def test_calculator_bad_input(staff_client):
    response = staff_client.get("/calendars/2024/", {"received": "x", "amount": "5"})
    assert "Thời điểm tiếp nhận không hợp lệ." in response.content.decode()
    response = staff_client.get("/calendars/2024/", {"received": "2024-02-05", "amount": "-2"})
    assert "Thời hạn phải là một số không âm." in response.content.decode()


def test_year_out_of_range(staff_client):
    assert staff_client.get("/calendars/1900/").status_code == 404
