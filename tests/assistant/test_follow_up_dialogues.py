"""Two- and three-turn conversations over the demo knowledge base (issue 21, «Follow-ups»): what the
rewriting decides for each follow-up without an LLM (carried or not, which of the asker's words), and
for a handful, that the answer holds the fact the follow-up asks for.

The dialogues are written for these tests, not taken from the blind evaluation set."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from azs_assistant.assistant.conversation import Conversations, Turn
from azs_assistant.assistant.follow_up import CARRIED_WORDS
from azs_assistant.language.analyzer import get_analyzer
from azs_assistant.services import Services
from tests.conftest import DEMO_KB, make_settings


@dataclass
class Step:
    """A follow-up and what the rewriting must decide: carried at all, which words, which not."""

    question: str
    carried: bool = True
    has: list[str] = field(default_factory=list)
    lacks: list[str] = field(default_factory=list)


@dataclass
class Dialogue:
    name: str
    first: str
    steps: list[Step]


DIALOGUES = [
    # -- the topic is carried in the asker's own words, question and intent words left out --------
    Dialogue("tanker wait", "как принять бензовоз?", [Step("а сколько ждать отстоя?", has=["бензовоз"],
                                                        lacks=["как"])]),
    Dialogue("negation kept", "пистолет не отстреливает, что делать?",
             [Step("а если не помогло?", has=["пистолет не отстреливает"], lacks=["делать", "что"])]),
    Dialogue("intent words stay out", "как правильно заземлить автоцистерну?",
             [Step("а сколько ждать?", has=["заземлить", "автоцистерну"], lacks=["правильно"])]),
    Dialogue("maximum is not a topic", "максимум наличных в кассе сколько?",
             [Step("а ночью?", has=["наличных", "кассе"], lacks=["максимум"])]),
    Dialogue("pump will not start", "колонка не включается, табло не горит",
             [Step("а сколько попыток можно?", has=["колонка", "не включается"], lacks=["можно"])]),
    Dialogue("pronoun reaches back", "свет отключили на АЗС, что делать?",
             [Step("а если генератор не запустился?", has=["свет"]),
              Step("а что он питает?", has=["генератор"])]),
    Dialogue("spill then eyes", "куда звонить при проливе топлива?",
             [Step("а если в глаза попало?", has=["проливе", "топлива"], lacks=["куда"])]),
    Dialogue("and-opener", "лимит наличных в кассе какой?",
             [Step("и куда сдавать излишек?", has=["лимит", "наличных"])]),
    Dialogue("english follow-up", "how do I accept a fuel tanker?",
             [Step("what about the documents?", has=["accept", "fuel", "tanker"], lacks=["how", "do"])]),
    Dialogue("kazakh follow-up", "бензовозды қалай қабылдаймыз?",
             [Step("ал құжаттар ше?", has=["бензовозды", "қабылдаймыз"], lacks=["қалай"])]),
    Dialogue("kazakh pronoun", "генератор қалай іске қосылады?",
             [Step("ол қанша жұмыс істейді?", has=["генератор"])]),
    Dialogue("nothing asked before", "", [Step("а если не помогло?", carried=False)]),
    # -- a subject of its own: nothing carried -----------------------------------------------------
    Dialogue("another error code", "код E01 на табло что значит?",
             [Step("а ошибка E-50 на ТРК Алтай что значит?", carried=False)]),
    Dialogue("standalone question", "как принять бензовоз?",
             [Step("Какой лимит наличных в кассе?", carried=False)]),
    Dialogue("points to a time, names three things", "когда приезжает инкассация?",
             [Step("а сигареты в это время по правилам магазина продавать можно?", carried=False)]),
    Dialogue("another topic announced", "как принять бензовоз?",
             [Step("другой вопрос: какой огнетушитель нужен для электрощита?", carried=False)]),
    Dialogue("opens with а, asks its own", "сколько стоит АИ-92?",
             [Step("а как заземлить автоцистерну перед сливом топлива?", carried=False)]),
    Dialogue("english own subject", "how do I accept a fuel tanker?",
             [Step("what about the cash limit for the night shift register?", carried=False)]),
    Dialogue("not a follow-up at all", "как принять бензовоз?",
             [Step("что делать при проливе топлива на площадке?", carried=False)]),
    # -- a follow-up's noun replaces the one in its place --------------------------------------
    Dialogue("another town", "сколько стоит АИ-92 в Павлодаре?",
             [Step("а в Семее?", has=["АИ-92"], lacks=["Павлодаре"])]),
    Dialogue("another service", "какой телефон у дежурного энергетика?",
             [Step("а у диспетчера логистики?", has=["телефон"], lacks=["энергетика", "дежурного"])]),
    Dialogue("another product", "с какого возраста продают сигареты?",
             [Step("а энергетики?", has=["возраста"], lacks=["сигареты"])]),
    Dialogue("another vessel", "на сколько заполнять газовый баллон машины?",
             [Step("а резервуар?", has=["заполнять"], lacks=["газовый", "баллон"])]),
    Dialogue("another amount", "разлив 3 литра под колонкой, что делать?",
             [Step("а если литров 30?", has=["разлив"], lacks=["3"])]),
    Dialogue("codes in turn", "код ошибки 51 на терминале",
             [Step("а 55?", has=["код", "терминале"], lacks=["51"]),
              Step("а 57?", has=["код"], lacks=["51", "55"])]),
    Dialogue("another level", "сколько процентов за топливо на уровне Серебро?",
             [Step("а на золоте?", has=["уровне", "процентов"], lacks=["Серебро"])]),
    Dialogue("another town by name", "во сколько приезжает инкассация в городе Семей?",
             [Step("а в Павлодаре?", has=["инкассация", "городе"], lacks=["Семей"])]),
    Dialogue("another grade", "почему нет АИ-95 на АЗС №4?",
             [Step("а дизеля?", has=["АЗС"], lacks=["АИ-95"])]),
    Dialogue("town, then fuel there", "сколько стоит АИ-92 в Павлодаре?",
             [Step("а в Семее?", lacks=["Павлодаре"]),
              Step("а зимний дизель там же?", has=["Семее", "стоит"], lacks=["Павлодаре", "АИ-92"])]),
    # -- …and only then -------------------------------------------------------------------------
    Dialogue("a verb of its own adds, replaces nothing", "свет отключили, что делать?",
             [Step("а если генератор не завёлся?", has=["свет", "отключили"])]),
    Dialogue("a different kind of noun", "во сколько начинается ночная смена?",
             [Step("а обходы когда?", has=["смена", "ночная"])]),
    Dialogue("a different preposition", "сколько ждать отстоя топлива после слива?",
             [Step("а до замера?", has=["отстоя", "слива"])]),
    Dialogue("a comparison is a predicate", "какой допуск для мерника на 10 литров?",
             [Step("а если погрешность больше?", has=["допуск", "мерника"])]),
    # -- the topic starts at the latest question asked on its own --------------------------------
    Dialogue("new anchor", "как принять бензовоз?",
             [Step("Какой лимит наличных в кассе?", carried=False),
              Step("а размен сколько?", has=["кассе"], lacks=["бензовоз", "лимит"])]),
    Dialogue("an own-subject turn is the new anchor", "код E01 на табло что значит?",
             [Step("а ошибка E-50 на ТРК Алтай что значит?", carried=False),
              Step("а сколько раз её можно сбрасывать?", has=["E-50"], lacks=["E01"])]),
]


def carried_words(question: str, resolved: str) -> str:
    """The words the rewriting appended: «q (a b c)» → «a b c»."""
    assert resolved.startswith(question), resolved
    tail = resolved[len(question):].strip()
    assert tail.startswith("(") and tail.endswith(")"), resolved
    return tail[1:-1]


@pytest.fixture(scope="module")
def conversations() -> Conversations:
    return Conversations(None, get_analyzer())  # type: ignore[arg-type]  # resolving needs no database


@pytest.mark.parametrize("dialogue", DIALOGUES, ids=[d.name for d in DIALOGUES])
def test_the_rewriting_decides_what_to_carry(conversations: Conversations, dialogue: Dialogue) -> None:
    """GIVEN a conversation WHEN each follow-up is resolved against the asker's earlier questions
    THEN it is carried over or left alone as written, with the words it needs and without the others."""
    history = [Turn(dialogue.first, "(переписано системой)", "")] if dialogue.first else []
    for step in dialogue.steps:
        resolved = conversations.resolve(step.question, history)
        if not step.carried:
            assert resolved == step.question
        else:
            words = carried_words(step.question, resolved)
            tokens = re.findall(r"[\w-]+", words)
            assert "переписано" not in words and len(tokens) <= CARRIED_WORDS + 1, words  # +1: a «не»
            for expected in step.has:
                assert expected in words, (expected, resolved)
            for absent in step.lacks:
                assert absent not in tokens, (absent, resolved)
        history.append(Turn(step.question, resolved, ""))


def test_there_are_enough_dialogues_of_two_and_three_turns() -> None:
    assert len(DIALOGUES) >= 30
    assert {len(d.steps) + 1 for d in DIALOGUES} == {2, 3}


def test_nouns_are_carried_first_when_the_topic_is_long(conversations: Conversations) -> None:
    first = "оператор смены быстро принимает топливо из автоцистерны на площадке слива у колодца ночью"
    words = carried_words("а если гроза?", conversations.resolve("а если гроза?", [Turn(first, "", "")]))
    assert len(words.split()) == CARRIED_WORDS and "быстро" not in words and "принимает" not in words
    assert "колодца" in words and "автоцистерны" in words


# -- the answers: the follow-up's fact is in them ----------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    svc = Services(make_settings(Path(tmp_path_factory.mktemp("dialogues")), embeddings="none"))
    svc.ingestor.ingest_paths([DEMO_KB / name for name in ("01_priem_topliva.md", "04_neispravnosti_trk.md",
                                                           "05_proliv.txt", "10_kontakty_sluzhb.csv",
                                                           "12_inkassaciya.html", "14_avariya_elektrichestvo.md")])
    yield svc
    svc.close()


@pytest.mark.parametrize(("first", "follow_up", "fact"), [
    ("небольшой пролив у колонки, что делать?", "а если в глаза попало?", "15 минут"),
    ("колонка не включается и табло не горит, что проверить?", "а сколько раз можно включать?", "одна попытка"),
    ("свет отключили на АЗС, что делать?", "а если генератор не запустился?", "не пытается завести"),
    ("во сколько приезжает инкассация?", "а если инкассатор опаздывает?", "45 минут"),
    ("какой телефон у дежурного энергетика?", "а у диспетчера логистики?", "1200"),
    ("как принять топливо из автоцистерны?", "а допустимое расхождение по объёму?", "0,4%"),
])
def test_a_follow_up_is_answered_with_its_fact(demo: Services, first: str, follow_up: str, fact: str) -> None:
    """GIVEN a first question in a conversation WHEN the follow-up comes THEN it is searched with the
    topic carried over and its answer holds the fact it asks for."""
    opened = demo.assistant.ask(first, remember=True)
    answer = demo.assistant.ask(follow_up, conversation=opened.conversation_id)
    assert answer.resolved_question and answer.resolved_question.startswith(follow_up)
    assert not answer.abstained and fact in answer.answer, (answer.resolved_question, answer.answer[:300])


def test_it_did_not_help_asks_for_the_next_step_not_for_help(demo_services: Services) -> None:
    """GIVEN «колонка не отвечает что делать» WHEN «а если не помогло?» follows THEN the answer is what to do
    when the first try fails («если повторяется», «повторно»), not first aid («вызвать скорую помощь»), which the
    dense model found close to «помогло» (the whole demo base, with its embeddings)."""
    opened = demo_services.assistant.ask("колонка не отвечает что делать", remember=True)
    answer = demo_services.assistant.ask("а если не помогло?", conversation=opened.conversation_id)
    assert not answer.abstained and "повтор" in answer.answer, answer.answer
    assert "скорую" not in answer.answer and "Глаза" not in answer.answer, answer.answer


def test_an_own_subject_follow_up_is_answered_alone(demo: Services) -> None:
    opened = demo.assistant.ask("колонка не включается, что делать?", remember=True)
    answer = demo.assistant.ask("а какой лимит наличных в кассе у оператора?", conversation=opened.conversation_id)
    assert answer.resolved_question is None and "250 000" in answer.answer


def test_after_an_unanswered_question_a_follow_up_naming_its_own_thing_is_asked_alone(demo: Services) -> None:
    """GIVEN «какая зарплата у оператора?» (not in the base: «нет ответа») WHEN «а что делать при проливе?» follows
    THEN it is asked alone and answered with the spill procedure (the unanswered salary was carried into it and it
    got «нет ответа» too); «а у старшего смены?» asks the same of another person and still carries the salary."""
    opened = demo.assistant.ask("какая зарплата у оператора?", remember=True)
    assert opened.abstained
    spill = demo.assistant.ask("а что делать при проливе?", conversation=opened.conversation_id)
    assert spill.resolved_question is None and not spill.abstained and "пролив" in spill.answer.lower()
    again = demo.assistant.ask("какая зарплата у оператора?", remember=True)
    senior = demo.assistant.ask("а у старшего смены?", conversation=again.conversation_id)
    assert senior.resolved_question and "зарплата" in senior.resolved_question and senior.abstained
    for same in ("а для кассира?", "а в праздники?", "а сколько в час?"):  # the salary asked of another (a review)
        first = demo.assistant.ask("какая зарплата у оператора?", remember=True)
        turn = demo.assistant.ask(same, conversation=first.conversation_id)
        assert turn.resolved_question and "зарплата" in turn.resolved_question, (same, turn.resolved_question)
    # after an answered question the topic is carried as before
    answered = demo.assistant.ask("как принять бензовоз", remember=True)
    wait = demo.assistant.ask("а сколько ждать?", conversation=answered.conversation_id)
    assert wait.resolved_question and "бензовоз" in wait.resolved_question
