"""The admin's jobs page (/admin/jobs): lists jobs by state, retries a dead one and cancels a queued one
(CSRF-checked like every form), and is refused to other roles; each file's OCR page reaches the progress."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from azs_assistant.api.app import create_app
from azs_assistant.documents import pipeline
from azs_assistant.services import Services
from azs_assistant.settings import Settings

PASSWORD = "очень-длинный-пароль"


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    # mail and the bot configured: a schedule's recipients are refused on a server that cannot reach them
    services = Services(Settings(data_dir=tmp_path, embeddings="none", ocr_second_pass="", ocr_line_reader=False,
                                 smtp_host="127.0.0.1", telegram_bot_token="123:test"))
    services.access.add_user("root", PASSWORD, ["admin"], stations=["*"])
    services.access.add_user("boss", PASSWORD, ["manager"], stations=["*"])
    yield services
    services.close()


def test_the_jobs_page_lists_retries_and_cancels(svc: Services) -> None:
    dead = svc.jobs.enqueue("incidents.sync", max_attempts=1, dispatch=False)
    claim = svc.jobs.claim(dead.id, "w")
    assert claim is not None and svc.jobs.fail(claim, "Oracle недоступен") == "dead"
    waiting = svc.jobs.enqueue("documents.upload", {"files": ["smena.md"]}, dispatch=False)
    with TestClient(create_app(svc, background=False)) as client:
        client.post("/login", data={"username": "root", "password": PASSWORD})
        page = client.get("/admin/jobs")
        assert page.status_code == 200 and 'href="/admin/jobs"' in page.text
        assert "Oracle недоступен" in page.text and "остановлено после ошибок" in page.text
        assert "smena.md" in page.text and "в очереди" in page.text
        only_dead = client.get("/admin/jobs", params={"status": "dead"}).text
        assert f"job-{dead.id}" in only_dead and f"job-{waiting.id}" not in only_dead
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        assert client.post(f"/admin/jobs/{dead.id}/retry").status_code == 403  # no CSRF token
        retried = client.post(f"/admin/jobs/{dead.id}/retry", data={"csrf_token": csrf}, follow_redirects=False)
        assert retried.status_code == 303 and svc.jobs.get(dead.id).status == "queued"
        cancelled = client.post(f"/admin/jobs/{waiting.id}/cancel", data={"csrf_token": csrf},
                                follow_redirects=False)
        assert cancelled.status_code == 303 and svc.jobs.get(waiting.id).status == "cancelled"
        again = client.post(f"/admin/jobs/{waiting.id}/cancel", data={"csrf_token": csrf})
        assert again.status_code == 409 and "отменено" in again.text
        kk = client.get("/admin/jobs", params={"lang": "kk"}).text
        assert "Фондық тапсырмалар" in kk
        client.post("/logout", data={"csrf_token": csrf})
        client.post("/login", data={"username": "boss", "password": PASSWORD})
        assert client.get("/admin/jobs").status_code == 403


def scan() -> bytes:
    img = Image.new("RGB", (1600, 700), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 34)
    for i, line in enumerate(["ПРИКАЗ № 7 О ПРИЁМКЕ ТОПЛИВА", "1. Пробу топлива отбирают при каждой приёмке.",
                              "2. Результат записывают в журнал приёмки."]):
        draw.text((80, 80 + i * 60), line, fill="black", font=font)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def test_each_stage_of_a_file_and_each_ocr_page_reach_the_jobs_progress(svc: Services) -> None:
    heard: list[tuple[str, dict[str, Any]]] = []
    token = pipeline.progress.set(lambda stage, **details: heard.append((stage, details)))
    try:
        result = svc.ingestor.ingest_bytes(scan(), "uploads/prikaz_7.png")
    finally:
        pipeline.progress.reset(token)
    assert result.status == "added", result.message
    assert [stage for stage, _ in heard] == ["reading", "ocr", "indexing"]
    assert heard[1][1] == {"page": 1, "pages": 1} and heard[2][1]["passages"] == result.chunks


def test_the_jobs_page_shows_schedules_in_words_and_deletes_one_after_a_confirmation(svc: Services) -> None:
    """GIVEN a weekly report whose job waits for a retry and an hourly sync whose job died WHEN an admin opens
    the jobs page THEN each schedule says what it does, how often, when it runs next and how its last run went,
    in ru/kk/en; deleting asks first (the form sits inside a closed <details>), needs the CSRF token and is audited."""
    svc.scheduled_reports.register("root", "weekly", 7 * 86400, ["инциденты по регионам"], "pdf,xlsx",
                                   emails=["boss@dala.kz"], telegrams=["-1001"])
    svc.schedules.put("root", "incidents.sync:oracle", "incidents.sync", 3600, {"source": "oracle", "full": True})
    assert svc.job_runner is not None and svc.job_runner.scheduler is not None
    now = 1_800_000_000.0  # 15.01.2027 08:00 UTC, after the page's clock: the periods queued now are ahead of it
    svc.job_runner.scheduler.tick(now=now)
    sync_job = next(j for j in svc.jobs.list(kind="incidents.sync")[1])
    claim = svc.jobs.claim(sync_job.id, "w")
    assert claim is not None and svc.jobs.fail(claim, "Oracle недоступен: ORA-12541", retry=False) == "dead"
    report_job = next(j for j in svc.jobs.list(kind="reports.scheduled")[1])
    claim = svc.jobs.claim(report_job.id, "w")
    assert claim is not None and svc.jobs.fail(claim, "Отчёт записан, но не доставлен: SMTP отказал") == "queued"
    with TestClient(create_app(svc, background=False)) as client:
        client.post("/login", data={"username": "root", "password": PASSWORD})
        page = client.get("/admin/jobs").text
        rows = {row.split('data-name="')[1].split('"')[0]: row for row in page.split('<tr id="schedule-')[1:]}
        assert set(rows) == {"weekly", "incidents.sync:oracle"}
        weekly, sync = rows["weekly"], rows["incidents.sync:oracle"]
        assert "Отчёт: «инциденты по регионам»" in weekly and "форматы: pdf, xlsx" in weekly
        assert "получатели: boss@dala.kz, Telegram -1001" in weekly and "раз в 7 дн." in weekly
        # the next epoch week (Thursday 00:00 UTC) after the one queued at `now`, on the chain's clock (UTC+5)
        assert "21.01.2027 05:00" in weekly
        assert "сбой, будет повторено" in weekly and "SMTP отказал" in weekly  # waiting out its back-off
        assert "Синхронизация инцидентов из источника «oracle»" in sync and "полная: перечитать всё" in sync
        assert "раз в 1 ч" in sync and "15.01.2027 14:00" in sync
        assert "остановлено после ошибок" in sync and "ORA-12541" in sync
        assert page.count('<details class="confirm">') == 2 and "<details class=\"confirm\" open" not in page
        assert "Удалить расписание «weekly»?" in weekly
        kk, en = (client.get("/admin/jobs", params={"lang": lang}).text for lang in ("kk", "en"))
        assert "Кестелер" in kk and "7 күн сайын" in kk and "1 сағат сайын" in kk
        assert "«weekly» кестесін жоясыз ба?" in kk
        assert "Schedules" in en and "every 7 d" in en and "Incident sync from the source “oracle”" in en

        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        assert client.post("/admin/jobs/schedules/delete", data={"name": "weekly"}).status_code == 403
        assert [s.name for s in svc.schedules.list()] == ["incidents.sync:oracle", "weekly"]
        done = client.post("/admin/jobs/schedules/delete", data={"name": "weekly", "csrf_token": csrf},
                           follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/admin/jobs?deleted=weekly"
        assert "Расписание «weekly» удалено." in client.get(done.headers["location"] + "&lang=ru").text
        assert [s.name for s in svc.schedules.list()] == ["incidents.sync:oracle"]
        again = client.post("/admin/jobs/schedules/delete", data={"name": "weekly", "csrf_token": csrf})
        assert again.status_code == 404 and "Расписания «weekly» нет." in again.text
    removed = svc.access.audit_search(action="schedule.remove")
    assert [(a.actor, a.target, a.ip) for a in removed] == [("root", "weekly", "testclient")]


def test_an_admin_stores_a_schedule_with_the_page_s_form_and_its_refusals_show_next_to_their_fields(
        svc: Services) -> None:
    """GIVEN the jobs page's «new schedule» form WHEN an admin stores a weekly report, a bad period, an unclear
    question, a bad address and an hourly sync THEN the good ones are stored by the API's service (audited
    ``schedule.put`` with the address) and listed; each refusal is shown next to its field in the page's
    language with what was typed kept; the CSRF token is needed, and a manager is refused the page and the form."""
    report = {"kind": "report", "every_n": "7", "every_unit": "d", "name": "weekly",
              "questions": "инциденты по регионам за прошлую неделю", "formats": ["pdf", "xlsx"],
              "emails": "boss@dala.kz, ops@dala.kz", "telegrams": "-1001"}
    with TestClient(create_app(svc, background=False)) as client:
        client.post("/login", data={"username": "root", "password": PASSWORD})
        page = client.get("/admin/jobs").text
        assert 'id="schedule-form"' in page and 'name="every_n" value="7"' in page
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        assert client.post("/admin/jobs/schedules", data=report).status_code == 403  # no CSRF token
        done = client.post("/admin/jobs/schedules", data={**report, "csrf_token": csrf}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/admin/jobs?created=weekly"
        listed = client.get(done.headers["location"]).text
        assert "Расписание «weekly» сохранено." in listed and 'data-name="weekly"' in listed
        stored = svc.schedules.list()[0]
        assert (stored.name, stored.kind, stored.every_s) == ("weekly", "reports.scheduled", 7 * 86400)
        assert stored.payload["emails"] == ["boss@dala.kz", "ops@dala.kz"] and stored.payload["formats"] == "pdf,xlsx"
        assert stored.payload["lang"] == "ru" and "язык: русский" in listed
        # an admin on the Kazakh page gets the files in Kazakh
        kk = client.post("/admin/jobs/schedules?lang=kk", data={**report, "name": "kk", "csrf_token": csrf},
                         follow_redirects=False)
        assert kk.status_code == 303 and {s.name: s for s in svc.schedules.list()}["kk"].payload["lang"] == "kk"
        assert "тілі: қазақ тілі" in client.get("/admin/jobs?lang=kk").text
        svc.schedules.remove("test", "kk")

        def refused(data: dict[str, Any], lang: str = "ru") -> tuple[int, dict[str, str]]:
            page = client.post(f"/admin/jobs/schedules?lang={lang}", data={**report, **data, "csrf_token": csrf})
            errors = dict(re.findall(r'<span class="field-error" id="new-(\w+)-error" role="alert">([^<]+)</span>',
                                     page.text))
            return page.status_code, errors

        assert refused({"every_n": "400"}) == (422, {"every": "Расписание не реже раза в 366 дней."})
        # the refused field takes the focus (the page opened at its top, the message screens below), and the address
        # the refused form leaves reloads as the jobs page
        again = client.post("/admin/jobs/schedules", data={**report, "every_n": "400", "csrf_token": csrf}).text
        assert re.search(r'id="new-every"[^>]*autofocus', again) and again.count("autofocus") == 1
        reload = client.get("/admin/jobs/schedules", follow_redirects=False)
        assert reload.status_code == 303 and reload.headers["location"].startswith("/admin/jobs")
        assert refused({"every_n": "400"}, "kk") == (422, {"every": "Кесте кемінде 366 күнде бір рет орындалады."})
        code, errors = refused({"questions": "сколько стоит литр бензина", "name": "bad"})
        assert code == 422 and list(errors) == ["questions"] and "Не понял" in errors["questions"]
        assert refused({"emails": "boss@"}) == (422, {"emails": "«boss@» не похож на адрес e-mail."})
        assert refused({"formats": []}, "en") == (422, {"formats": "Choose at least one format."})
        many = "\n".join(f"инциденты на АЗС-{n:03d} за прошлую неделю" for n in range(1, 22))
        assert refused({"questions": many, "name": "many"}, "kk") == (422, {"questions": (
            "Кестеде 20 сұрақтан аспауы керек, ал 21 берілген: оларды бірнеше кестеге бөліңіз.")})
        code, errors = refused({"questions": "инциденты по регионам " + "и " * 250, "name": "long"}, "en")
        assert code == 422 and errors == {"questions": "Question 1 is longer than 500 characters (521): shorten it."}
        kept = client.post("/admin/jobs/schedules", data={**report, "every_n": "400", "csrf_token": csrf}).text
        assert 'value="400"' in kept and "boss@dala.kz, ops@dala.kz" in kept and ">инциденты по регионам" in kept
        assert [s.name for s in svc.schedules.list()] == ["weekly"]

        synced = client.post("/admin/jobs/schedules", data={"kind": "sync", "every_n": "1", "every_unit": "h",
                                                            "csrf_token": csrf}, follow_redirects=False)
        assert synced.status_code == 422  # no incident sources configured: said next to the source
        assert "Источники инцидентов не настроены" in synced.text and 'id="new-source-error"' in synced.text
        synced = client.post("/admin/jobs/schedules?lang=kk", data={"kind": "sync", "every_n": "1", "every_unit": "h",
                                                                    "csrf_token": csrf})
        assert synced.status_code == 422 and "Оқиғалар көздері бапталмаған" in synced.text
        hint = client.get("/admin/jobs?lang=kk").text
        assert 'placeholder="Мысалы: өткен аптада аймақтар бойынша оқиғалар"' in hint

        client.post("/logout", data={"csrf_token": csrf})
        client.post("/login", data={"username": "boss", "password": PASSWORD})
        assert client.get("/admin/jobs").status_code == 403
        boss_csrf = client.get("/profile").text.split('name="csrf-token" content="')[1].split('"')[0]
        assert client.post("/admin/jobs/schedules", data={**report, "name": "boss", "csrf_token": boss_csrf}
                           ).status_code == 403
    assert [s.name for s in svc.schedules.list()] == ["weekly"]
    put = svc.access.audit_search(action="schedule.put")
    assert sorted((a.actor, a.target, a.ip) for a in put) == [("root", "kk", "testclient"),
                                                           ("root", "weekly", "testclient")]


def test_a_failed_delivery_is_said_in_the_admin_s_language_and_a_flood_of_one_kind_is_filtered_and_paged(
        tmp_path: Path) -> None:
    """GIVEN a weekly report whose mail server refuses the connection, and sixty notification jobs of tickets
    WHEN its job runs (the real handler and runner) and an admin opens the jobs page in kk and en THEN the failure
    is said in that language (it was Russian on every page); the list shows fifty jobs a page with the next page
    linked, and a filter by kind (with counts) finds the report's job among the notifications."""
    import socket

    from azs_assistant.jobs.runner import execute

    with socket.socket() as probe:  # a port nobody listens on: the SMTP connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    svc = Services(Settings(data_dir=tmp_path, embeddings="none", smtp_host="127.0.0.1", smtp_port=port,
                            notify_retry_pause_s=0))
    try:
        svc.access.add_user("root", PASSWORD, ["admin"], stations=["*"])
        svc.scheduled_reports.register("root", "weekly", 7 * 86400, ["инциденты по регионам"], "csv",
                                       emails=["boss@dala.kz"])
        (weekly,) = svc.schedules.list()
        job = svc.jobs.enqueue("reports.scheduled", dict(weekly.payload), dispatch=False)
        assert execute(svc.jobs, {"reports.scheduled": svc.scheduled_reports.run_job}, job.id, "w") == "queued"
        notes = [svc.jobs.enqueue("tickets.notify", {"note": n}, dispatch=False) for n in range(60)]
        for note in notes[:5]:  # routine runs that went well: housekeeping, left out unless asked for
            claim = svc.jobs.claim(note.id, "w")
            assert claim is not None and svc.jobs.complete(claim, {"sent": 0})
        with TestClient(create_app(svc, background=False)) as client:
            client.post("/login", data={"username": "root", "password": PASSWORD})
            en = client.get("/admin/jobs", params={"lang": "en", "kind": "reports.scheduled"}).text
            assert "The report was written but not delivered: e-mail boss@dala.kz" in en
            assert "не доставлен" not in en
            kk = client.get("/admin/jobs", params={"lang": "kk", "kind": "reports.scheduled"}).text
            assert "Есеп жазылды, бірақ жеткізілмеді: e-mail boss@dala.kz" in kk and "не доставлен" not in kk
            ru = client.get("/admin/jobs", params={"lang": "ru"}).text
            assert ru.count('<tr id="job-') == 50 and "Показаны 1–50 из 56" in ru
            assert 'href="/admin/jobs?page=2" rel="next"' in ru
            assert "Рассылка уведомлений по жалобам (60)" in ru and "Отчёт по расписанию (1)" in ru
            assert "служебные запуски рассылки уведомлений (5) не показаны" in ru
            second = client.get("/admin/jobs", params={"page": "2"}).text
            assert second.count('<tr id="job-') == 6 and 'rel="prev"' in second and 'rel="next"' not in second
            routine = client.get("/admin/jobs", params={"kind": "tickets.notify", "status": "done"}).text
            assert routine.count('<tr id="job-') == 5
            # a kind filter that leaves nothing stays in its row, to be cleared
            empty = client.get("/admin/jobs", params={"kind": "reports.scheduled", "status": "running"}).text
            assert empty.count('<tr id="job-') == 0 and "Отчёт по расписанию (0)" in empty
            only = client.get("/admin/jobs", params={"kind": "reports.scheduled"}).text
            assert only.count('<tr id="job-') == 1 and f'id="job-{job.id}"' in only
            past = client.get("/admin/jobs", params={"page": "99", "kind": "tickets.notify"}).text
            assert past.count('<tr id="job-') == 10  # past the end: the last page
    finally:
        svc.close()


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
def test_the_jobs_page_shows_the_system_state_in_words(tmp_path: Path) -> None:
    """An IT admin sees, first, whether each part is up (the readiness probe read in words, the failing part with
    why), how much is indexed and which models answer; the probe's address is linked for monitoring."""
    services = Services(Settings(data_dir=tmp_path, embeddings="none", ocr_languages="rus+xyz"))
    services.access.add_user("root", PASSWORD, ["admin"], stations=["*"])
    try:
        with TestClient(create_app(services, background=False)) as client:
            client.post("/login", data={"username": "root", "password": PASSWORD})
            page = client.get("/admin/jobs").text
            system = page.split('id="system"')[1].split("</section>")[0]
            database = system.split('data-check="database"')[1].split("</li>")[0]
            assert "работает" in database and "База данных" in database
            ocr = system.split('data-check="ocr"')[1].split("</li>")[0]
            assert "недоступно" in ocr and "xyz" in ocr  # the language pack missing is named
            assert "документов: 0" in system and "Языковая модель: не подключена" in system
            assert 'href="/api/v1/health/ready"' in system
            kk = client.get("/admin/jobs", params={"lang": "kk"}).text
            assert "Жүйенің күйі" in kk and "Дерекқор" in kk
            # why a part is down, in the page's language (the Russian text stood on the English page)
            english = client.get("/admin/jobs", params={"lang": "en"}).text
            ocr = english.split('data-check="ocr"')[1].split("</li>")[0]
            assert "xyz" in ocr and not re.search(r"[а-яё]", ocr.lower()), ocr
    finally:
        services.close()
