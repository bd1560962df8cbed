import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_redis_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "backup": "never"}


@pytest.mark.django_db
def test_healthz_names_redis_when_it_does_not_answer(client, settings):
    # A real connection to a port where nothing listens.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "unavailable"
    assert response.json()["database"] == "ok"
    assert b"127.0.0.1" not in response.content


@pytest.mark.django_db(transaction=True)
def test_healthz_names_the_database_when_it_does_not_answer(client):
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "unavailable"
    assert body["redis"] == "ok"
    assert b"password" not in response.content
