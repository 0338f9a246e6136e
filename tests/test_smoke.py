"""The app starts, shows the login page and signs a user in and out."""


def test_login_page_in_vietnamese(client):
    response = client.get("/dang-nhap")
    assert response.status_code == 200
    assert "Đăng nhập" in response.get_data(as_text=True)


def test_login_wrong_password_keeps_username(client, world, auth):
    response = auth.login("tnv1", "sai-mat-khau")
    page = response.get_data(as_text=True)
    assert "không đúng" in page
    assert 'value="tnv1"' in page


def test_login_then_logout(client, world, auth):
    response = auth.login("tnv1")
    assert response.status_code == 302
    assert client.get("/thon/").status_code == 200
    auth.logout()
    assert client.get("/thon/").status_code == 302
