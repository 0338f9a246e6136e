"""Error pages speak Vietnamese; the sync API keeps answering JSON."""


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.text


def test_expired_form_explains_what_to_do(csrf_app):
    response = csrf_app.test_client().post("/dang-nhap", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.text


def test_sync_api_still_answers_json_when_signed_out(client):
    response = client.get("/api/sync/pull")
    assert response.status_code == 401
    assert response.is_json
