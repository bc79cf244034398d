"""Through the widgets: Settings › Dates changes how dates are written in Compose and shown
in the lists."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from composer.afterword import Afterword
from composer.dates import choose_locale
from composer.records import Contact, FeedbackNote, Interview, InterviewStatus, Role
from ui.main_window import MainWindow

INLINE_RUNNER = True  # flows through the widgets: no threads checked here


MET = datetime(2026, 11, 3, 14, 30).astimezone()  # 14:30 on the user's clock, a Tuesday
NOW = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def people(ready: Afterword) -> dict[str, int]:
    store = ready.store
    ana = store.add_contact(Contact("Ana Lima", "ana@acme.example", "Acme", check_in_days=30))
    met = store.add_interview(Interview("Acme", "Data Engineer", MET, status=InterviewStatus.DONE))
    assert ana.id and met.id
    store.set_participants(met.id, [(ana.id, Role.INTERVIEWER)])
    choose_locale(store, "en_GB")
    return {"ana": ana.id, "met": met.id}


def test_the_dates_setting_changes_what_compose_writes(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.write(people["met"], "thank_you")
    compose = window.compose
    assert "meet me on Tuesday, 3 November 2026, to talk" in compose.body.toPlainText()

    window.show_area(window.settings_page)
    combo = window.settings_page.dates.written_as
    combo.setCurrentIndex(combo.findData("en_US"))

    assert "In a message: Tuesday, November 3, 2026." in window.settings_page.dates.example.text()
    assert "meet me on Tuesday, November 3, 2026, to talk" in compose.body.toPlainText()
    assert window.afterword.store.get_setting("date_locale") == "en_US", "kept for next time"


def test_the_interviews_list_shows_dates_in_the_chosen_format(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    window.show_area(window.interviews)
    model = window.interviews.model
    assert model.index(0, 0).data() == "3 Nov 2026, 14:30"

    window.show_area(window.settings_page)
    combo = window.settings_page.dates.written_as
    combo.setCurrentIndex(combo.findData("en_US"))
    window.show_area(window.interviews)

    assert model.index(0, 0).data() == "Nov 3, 2026, 2:30\u202fPM"


def test_the_feedback_list_shows_dates_in_the_chosen_format(
    qtbot: QtBot, window: MainWindow, people: dict[str, int]
) -> None:
    store = window.afterword.store
    store.save_feedback(FeedbackNote(people["met"], "Kind words.", MET, contact_id=people["ana"]))
    choose_locale(store, "en_US")
    window.show_area(window.feedback)
    assert window.feedback.notes.item(0).text().startswith("Nov 3, 2026 · ")
