"""Every template render runs off the GUI thread: a render may take up to the sandbox's time
limit, and the window must answer meanwhile. These tests use the real runner (threads);
widget tests elsewhere may use the InlineRunner."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import QElapsedTimer, QTimer
from pytestqt.qtbot import QtBot

import composer.templates
import ui.templates_page
from composer.afterword import Afterword
from composer.due import DueItem, DueKind
from composer.records import Contact, FeedbackNote, InterviewStatus
from tests.helpers.clock import NOW
from tests.helpers.smtp_server import SmtpServer
from tests.ui.conftest import Dialogs
from tests.ui.helpers import written
from tests.ui.test_compose import interview_with, threaded_page
from tests.ui.test_sent_records import send
from ui.compose_render import WRITING
from ui.main_window import MainWindow

# About half a second of template code (the sandbox stops it at two).
SLOW = """{#
title: Slow
when: Never
#}
{% block subject %}Slow news{% endblock %}
{% block body %}{% set n = namespace(c=0) %}{% for i in range(25) %}{% for j in range(1000) %}\
{% set n.c = n.c + 1 %}{% endfor %}{% endfor %}Counted {{ n.c }} for {{ recipient.greeting }}.
{% endblock %}
"""


@pytest.fixture
def on_gui_thread(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every render's thread, recorded: True for the GUI thread."""
    seen: list[bool] = []
    real = composer.templates.render_source

    def recorded(*args: Any, **kwargs: Any) -> composer.templates.Rendered:
        seen.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(composer.templates, "render_source", recorded)
    monkeypatch.setattr(ui.templates_page, "render_source", recorded)  # its own import
    return seen


@pytest.fixture
def window(qtbot: QtBot, ready: Afterword, answers: Dialogs) -> Iterator[MainWindow]:
    """The window on the real runner: its work runs on worker threads."""
    main = MainWindow(ready, clock=lambda: NOW)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.runner.wait()


def follow_up_from_interviews(qtbot: QtBot, window: MainWindow, interview_id: int) -> None:
    window.show_area(window.interviews)
    window.interviews.follow_up_requested.emit(interview_id, "thank_you")  # Follow up…
    written(qtbot, window.compose)


def test_no_template_is_rendered_on_the_gui_thread_in_any_flow(
    qtbot: QtBot,
    window: MainWindow,
    ready: Afterword,
    smtp_server: SmtpServer,
    on_gui_thread: list[bool],
) -> None:
    when = datetime(2026, 11, 3, 14, 30).astimezone()
    one = interview_with(ready, Contact("Ana Lima", "ana@acme.example"), scheduled_at=when)
    two = interview_with(
        ready,
        Contact("Bo Chen", "bo@b.example"),
        Contact("Cy Diaz", "cy@b.example"),
        company="Beta",
        scheduled_at=when,
    )
    follow_up_from_interviews(qtbot, window, one)  # Interviews: Follow up…
    assert window.compose.body.toPlainText().startswith("Dear Ana,")

    window.compose.new_message()
    window.follow_up(two, "thank_you")  # two people: one message each
    panel = window.compose.choice.panel
    assert panel is not None
    written(qtbot, panel)
    assert [c.body.toPlainText().split("\n")[0] for c in panel.columns] == ["Dear Bo,", "Dear Cy,"]
    panel.reject()

    bo = ready.store.participants(two)[0].contact.id
    ready.store.save_feedback(FeedbackNote(two, "Strong on SQL.", when, contact_id=bo))
    window.feedback.thank_requested.emit(two, "thanks_for_feedback", [bo])  # Thank them…
    written(qtbot, window.compose)
    assert window.compose.checked_contact_ids() == [bo]

    window.compose.new_message()
    due = DueItem("k", DueKind.THANK_YOU, "Thank Ana", "", when, "thank_you", one)
    window.today.compose_requested.emit(due)  # Today: Write it…
    written(qtbot, window.compose)
    assert window.compose.body.toPlainText().startswith("Dear Ana,")

    original = send(
        ready, subject="Thanks", body="Hello.\n", to=["ana@acme.example", "bo@b.example"]
    )
    window.show_area(window.sent)  # Outbox & Sent: Follow up on this (renders no template)
    window.sent.select(original.id)
    window.sent.follow_up_button.click()

    window.show_area(window.templates)  # the preview
    window.templates.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: window.templates._render_count > 0 and on_gui_thread[-1:] == [False])

    assert on_gui_thread and not any(on_gui_thread), on_gui_thread


def test_a_slow_template_leaves_the_window_responsive_and_its_text_shows_when_done(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    ready.templates.save("slow", SLOW)
    interview_id = interview_with(
        ready, Contact("Ana Lima", "ana@acme.example"), status=InterviewStatus.DONE
    )
    compose = threaded_page(qtbot, ready)
    ticks_while_writing: list[int] = []
    clock = QElapsedTimer()
    ticker = QTimer(interval=10)

    def tick() -> None:
        if compose.text_writer.writing:
            ticks_while_writing.append(clock.restart())

    ticker.timeout.connect(tick)
    clock.start()
    ticker.start()

    compose.start_follow_up(interview_id, "slow")
    assert compose.problem.text() == WRITING and not compose.send_button.isEnabled()
    written(qtbot, compose)
    ticker.stop()

    assert compose.subject.text() == "Slow news"
    assert compose.body.toPlainText().startswith("Counted 25000 for Ana.")
    assert compose.send_button.isEnabled()
    # on the GUI thread the render would allow no tick at all; a busy machine may allow few
    assert ticks_while_writing, "the GUI thread went on ticking while it rendered"
    assert max(ticks_while_writing[1:], default=0) < 1500, ticks_while_writing  # no freeze


def test_text_typed_while_the_template_renders_is_kept(
    qtbot: QtBot, ready: Afterword, answers: Dialogs
) -> None:
    ready.templates.save("slow", SLOW)
    interview_id = interview_with(ready, Contact("Ana Lima", "ana@acme.example"))
    compose = threaded_page(qtbot, ready)
    compose.start_follow_up(interview_id, "slow")
    assert compose.text_writer.writing

    qtbot.keyClicks(compose.body, "My own words")
    qtbot.waitUntil(lambda: compose.runner.busy == 0)

    assert compose.body.toPlainText() == "My own words"
    assert compose.edited, "their text, not the template's"
    assert compose.runner.busy == 0
