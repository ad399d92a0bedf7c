"""The classifier, the danger signs, the facts and the urgency policy, on texts written for these
tests (none of them is a training example)."""

from __future__ import annotations

import pytest

from azs_assistant.tickets.classifier import load_examples
from azs_assistant.tickets.danger import danger_signs
from azs_assistant.tickets.facts import extract_facts, money_in

DANGER = [
    "ГАЗОМ ВОНЯЕТ у третьей колонки!!!",
    "чуствую запах газа возле пропановой заправки",
    "у вас утечка газа, шипит шланг",
    "There's a strong gas smell near pump 2",
    "колонка задымилась, идёт дым",
    "Искрит розетка у колонки с бензином",
    "мужчина обжёгся, у него ожог руки, нужна скорая",
    "fire near the shop, people are running",
    "Газ иісі қатты шығып тұр!",
    "бензин растекается по всей площадке к ливнёвке",
    "на заправке пожар",
]
NOT_DANGER = [
    "После заправки загорелся чек на панели, машина троит",
    "Можно ли заправить газовый баллон для плиты?",
    "Колонка не работает, висит табличка",
    "Кассир нагрубил",
    "Бонусы не начислили за газ",
]


@pytest.mark.parametrize("text", DANGER)
def test_danger_is_seen_however_it_is_written(text: str) -> None:
    assert danger_signs(text), text


@pytest.mark.parametrize("text", NOT_DANGER)
def test_lookalikes_are_not_danger(text: str) -> None:
    assert danger_signs(text) == [], text


@pytest.mark.parametrize(("text", "category"), [
    ("Уплатил за тридцать литров, а канистра заполнилась едва на 26", "underfill"),
    ("Терминал дважды снял оплату за одну заправку, верните деньги", "payment"),
    ("баллы за покупку так и не появились в приложении лояльности", "loyalty_card"),
    ("Кассирша грубо ответила и отвернулась, не стала обслуживать", "staff_behavior"),
    ("На территории грязь, урны полные, в туалете нет бумаги", "cleanliness"),
    ("Мне в дизельный джип залили бензин АИ-92, машина заглохла", "wrong_fuel"),
    ("Компрессор для шин не работает уже вторую неделю", "equipment"),
    ("После вашего топлива двигатель глохнет, в баке нашли воду", "fuel_quality"),
    ("Спасибо за чай и доброе отношение, всё отлично", "praise_or_suggestion"),
    ("Принимаете ли вы оплату картой Visa?", "general_question"),
    ("Заправщик курит у колонки", "safety_hazard"),
])
def test_category_of_new_phrasings(sqlite_services, text: str, category: str) -> None:  # type: ignore[no-untyped-def]
    result = sqlite_services.tickets.classify(text)
    assert result.category == category, (text, result.top)


def test_danger_overrides_the_model_and_routes_to_hse(sqlite_services) -> None:  # type: ignore[no-untyped-def]
    result = sqlite_services.tickets.classify("Жалоба на кассира, но главное — сильно пахнет газом у колонки 4!")
    assert (result.category, result.urgency, result.route_to) == ("safety_hazard", "critical", "hse")
    assert "запах газа" in result.danger


def test_large_sum_makes_a_complaint_high(sqlite_services) -> None:  # type: ignore[no-untyped-def]
    small = sqlite_services.tickets.classify("Списали 5 000 тг, а топливо не отпустили")
    large = sqlite_services.tickets.classify("Списали 45 000 тг, а топливо не отпустили")
    assert (small.category, small.urgency) == ("payment", "medium")
    assert (large.category, large.urgency) == ("payment", "high")
    assert any("45 000" in r.text() for r in large.reasons) and "45 000" in (large.reason_text or "")


def test_category_bounds_from_the_standard(sqlite_services) -> None:  # type: ignore[no-untyped-def]
    result = sqlite_services.tickets.classify("Безобразие!!! Срочно!!! Урны переполнены, мусор везде!!!")
    assert result.category == "cleanliness"
    assert result.urgency in ("low", "medium")


def test_facts() -> None:
    facts = extract_facts("Оплатил 45 л на АЗС №12, колонка 3, списали 31 000 тг 05.11.2026, номер 123ABC02")
    assert facts == {"station": "АЗС-012", "litres": [45.0], "amounts": [31000.0], "dispenser": 3,
                     "car_plate": "123ABC02", "date": "2026-11-05"}
    assert money_in("ремонт 85 тыс. тенге") == [85000.0]
    assert extract_facts("Pump 4 at station 29, paid for 30 liters")["dispenser"] == 4


def test_shipped_examples_cover_the_taxonomy() -> None:
    examples = load_examples()
    assert {e.category for e in examples} == {
        "fuel_quality", "underfill", "payment", "loyalty_card", "staff_behavior", "cleanliness", "equipment",
        "safety_hazard", "wrong_fuel", "praise_or_suggestion", "general_question"}
    assert all(danger_signs(e.text) for e in examples if e.urgency == "critical")
    assert not any(danger_signs(e.text) for e in examples if e.urgency != "critical")


def test_a_company_danger_phrase_is_named_in_every_language() -> None:
    """A company's own danger phrase is labelled in Russian by the rules; Kazakh and English pages name it too."""
    from azs_assistant.tickets.reasons import Reason

    reason = Reason("danger", {"signs": ["фраза из правил компании"]})
    assert reason.text("kk") == "аса шұғыл: компания ережелеріндегі сөз тіркесі"
    assert reason.text("en") == "critical: a phrase from the company's rules"
    assert Reason("rule_set", {"urgency": "high", "rule": 2}).text("en") == "urgency “high” by rule “2”"
