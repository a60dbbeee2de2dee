import bcrypt

from socketspace.security.passwords import Passwords


def cheap() -> Passwords:
    return Passwords(memory_kib=1024, time_cost=1, workers=1)


async def test_new_hashes_are_argon2id_and_verify():
    passwords = cheap()
    stored = await passwords.hash("correct horse")
    assert stored.startswith("$argon2id$")
    assert await passwords.verify("correct horse", stored) == (True, None)
    ok, _ = await passwords.verify("wrong horse", stored)
    assert not ok


async def test_an_imported_bcrypt_hash_verifies_and_asks_for_an_argon2_upgrade():
    passwords = cheap()
    imported = bcrypt.hashpw(b"correct horse", bcrypt.gensalt(rounds=4)).decode()
    ok, upgraded = await passwords.verify("correct horse", imported)
    assert ok
    assert upgraded is not None and upgraded.startswith("$argon2id$")


async def test_owasp_parameters_are_the_default():
    from socketspace.config import Settings

    settings = Settings()
    assert settings.argon2_memory_kib >= 19 * 1024
    assert settings.argon2_time_cost >= 2


async def test_an_unknown_account_burns_a_verification_and_fails():
    assert await cheap().verify("anything", None) == (False, None)
