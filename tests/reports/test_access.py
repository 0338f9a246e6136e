"""Who may open which report page: 404 outside one's places, 403 for the wrong role.

Few, long tests on purpose: each World costs six password hashes, so one World serves many users.
"""

SET = "thanh-hoa-1829"


def _village_pages(village):
    base = f"/bao-cao/thon/{village.token}"
    return [base, f"{base}/can-ho-tro/{SET}/3.9", f"{base}/can-ho-tro/{SET}/3.12"]


def _commune_pages(commune):
    base = f"/bao-cao/xa/{commune.token}"
    return [base, f"{base}/cai-dat", f"{base}/chi-tieu-thu-cong/{SET}"]


def _statuses(client, urls) -> set[int]:
    return {client.get(url).status_code for url in urls}


def test_village_dashboard_and_support_list_access(client, auth, world):
    thon1, thon2 = _village_pages(world.thon1), _village_pages(world.thon2)
    for url in thon1:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.location, url
    expected = {
        "tnv2": ({404}, {200}),  # a volunteer of Thôn 2 cannot see Thôn 1
        "tnv1": ({200}, {404}),
        "truongthon1": ({200}, {404}),
        "canbo": ({200}, {200}),
        "admin": ({200}, {200}),
        "canbo2": ({404}, {404}),  # officer of another commune
    }
    for username, (in_thon1, in_thon2) in expected.items():
        auth.login(username)
        assert _statuses(client, thon1) == in_thon1, username
        assert _statuses(client, thon2) == in_thon2, username
        auth.logout()


def test_commune_pages_access(client, auth, world):
    ours, theirs = _commune_pages(world.commune), _commune_pages(world.other_commune)
    base = f"/bao-cao/xa/{world.commune.token}"
    posts = [
        (f"{base}/cai-dat", {"adult_age": "18"}),
        (f"{base}/cai-dat/chi-tieu?nam=2025", {"t0": "1"}),
        (f"{base}/chi-tieu-thu-cong/{SET}", {"chi_tieu": "3.7"}),
    ]
    for username in ("truongthon1", "tnv1"):  # village staff: wrong role
        auth.login(username)
        assert _statuses(client, [*ours, "/bao-cao/xa/"]) == {403}, username
        assert {client.post(url, data=data).status_code for url, data in posts} == {403}
        auth.logout()
    auth.login("canbo2")
    assert _statuses(client, ours) == {404} and _statuses(client, theirs) == {200}
    assert {client.post(url, data=data).status_code for url, data in posts} == {404}
    auth.logout()
    auth.login("canbo")
    assert _statuses(client, ours) == {200} and _statuses(client, theirs) == {404}
    auth.logout()
    auth.login("admin")
    assert _statuses(client, ours + theirs) == {200}
    unknown = ["/bao-cao/thon/khong-co", "/bao-cao/xa/khong-co", f"{base}/chi-tieu-thu-cong/khong"]
    assert _statuses(client, unknown) == {404}
