import stat

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from socketspace.config import Settings


def test_a_secret_key_is_generated_once_with_owner_only_permissions(tmp_path):
    first = Settings(data_dir=tmp_path).signing_key
    key_file = tmp_path / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert Settings(data_dir=tmp_path).signing_key == first


def test_a_configured_secret_key_wins_and_writes_no_file(tmp_path):
    settings = Settings(data_dir=tmp_path, secret_key="configured-key-" * 3)
    assert settings.signing_key == "configured-key-" * 3
    assert not (tmp_path / "secret.key").exists()


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PUBLIC_ORIGIN", "https://chat.example.com/")
    monkeypatch.setenv("ALLOWED_ORIGINS", "http://localhost:5173, http://127.0.0.1:5173")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@db/chat")
    settings = Settings()
    assert settings.public_origin == "https://chat.example.com"
    assert settings.secure_cookies
    assert settings.database_url == "postgresql+asyncpg://u@db/chat"
    assert settings.trusted_origins == {
        "https://chat.example.com",
        "http://localhost:5173",
        "http://127.0.0.1:5173",
    }


def test_defaults_need_no_environment(monkeypatch):
    for name in (
        "DATABASE_URL",
        "DATA_DIR",
        "PUBLIC_ORIGIN",
        "REDIS_URL",
        "SECRET_KEY",
        "SMTP_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite+aiosqlite:///data/socketspace.db"
    assert settings.public_origin == "http://127.0.0.1:8000"
    assert not settings.secure_cookies
    assert settings.redis_url is None


@pytest.mark.parametrize("unset", [None, "", "  "])
def test_without_a_database_url_the_database_is_a_file_in_data_dir(monkeypatch, tmp_path, unset):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "elsewhere"))
    if unset is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", unset)
    settings = Settings()
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/elsewhere/socketspace.db"
    assert make_url(settings.database_url).database == str(tmp_path / "elsewhere/socketspace.db")


def test_a_database_url_is_kept_wherever_data_dir_points(monkeypatch, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@db/chat")
    assert Settings().database_url == "postgresql+asyncpg://u@db/chat"


def test_a_public_origin_that_is_not_a_url_is_refused():
    with pytest.raises(ValidationError, match="PUBLIC_ORIGIN"):
        Settings(public_origin="chat.example.com")


def test_without_a_public_origin_the_server_trusts_where_it_listens(monkeypatch):
    monkeypatch.delenv("PUBLIC_ORIGIN", raising=False)
    settings = Settings().served_at("127.0.0.1", 9000)
    assert settings.public_origin == "http://127.0.0.1:9000"
    assert settings.trusted_origins == {"http://127.0.0.1:9000", "http://localhost:9000"}


def test_an_explicit_public_origin_is_kept_whatever_the_port():
    settings = Settings(public_origin="https://chat.example.com").served_at("192.0.2.10", 9000)
    assert settings.trusted_origins == {"https://chat.example.com"}
