async def test_signup_then_check(alice):
    r = await alice.get("/api/auth/check")
    assert r.status_code == 200
    assert r.json()["email"] == "alice@example.com"
