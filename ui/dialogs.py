"""Every question, warning and file choice goes through here, so tests can answer them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from composer import APP_NAME
from composer.errors import AfterwordError


def ask(parent: QWidget | None, question: str, *, yes: str = "Yes", no: str = "Cancel") -> bool:
    """A yes/no question; the safe answer ("no") is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, question, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def tell(parent: QWidget | None, message: str, *, error: bool = False) -> None:
    icon = QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information
    QMessageBox(icon, APP_NAME, message, parent=parent).exec()


def run_dialog(dialog: QDialog) -> bool:
    """Shows a modal editor; True when the user saved. Tests replace this function."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def run_until_saved(dialog: QDialog, save: Callable[[], object]) -> bool:
    """Shows the editor until what it holds is saved or the user cancels; when saving
    fails (a locked or full disk), says why and shows the editor again with the text kept."""
    while run_dialog(dialog):
        try:
            save()
        except AfterwordError as error:
            tell(dialog.parentWidget(), f"{error}\n\nWhat you typed is still there.", error=True)
            continue
        return True
    return False


def choose_file(parent: QWidget | None, caption: str, filters: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, caption, "", filters)
    return path or None


def choose_files(parent: QWidget | None, caption: str, filters: str = "") -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, caption, "", filters)
    return list(paths)


def choose_save_file(
    parent: QWidget | None, caption: str, filters: str = "", suggested: str = ""
) -> str | None:
    """``suggested``: a file name the dialog starts with (in the last folder used)."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, filters)
    return path or None


def choose_save_file_and_type(
    parent: QWidget | None, caption: str, filters: str
) -> tuple[str, str] | None:
    """The file name as typed and the file type picked, one of ``filters``: Qt's own dialog
    (on Linux) adds no suffix, so the type is all that says which format the user chose."""
    path, picked = QFileDialog.getSaveFileName(parent, caption, "", filters)
    return (path, picked) if path else None


def save_target(parent: QWidget | None, typed: str, picked: str, offered: str = "") -> Path | None:
    """The file to write for a name typed in a save dialog: with its type's suffix, and
    asked about first if that suffix lands on a file already there; None if not to."""
    target = with_type_suffix(typed, picked, offered)
    return target if may_write(parent, typed, target) else None


def with_type_suffix(path: str, picked: str, offered: str = "") -> Path:
    """``path`` as typed when it ends in a suffix of a type ``offered`` (by default only the
    one ``picked``), else with the picked type's suffix added: "j.doe" becomes "j.doe.csv"."""
    known = _suffixes(offered or picked)
    target = Path(path)
    if target.name.lower().endswith(known):
        return target
    own = _suffixes(picked) or known  # some platforms' dialogs do not say which was picked
    return target.with_name(target.name + own[0]) if own else target


def may_write(parent: QWidget | None, typed: str, target: Path) -> bool:
    """The file dialog asked about replacing the name as typed; with a suffix added it is
    another file, so replacing that one is asked here."""
    if Path(typed) == target or not target.exists():
        return True
    return ask(
        parent, f"{target.name} already exists in {target.parent}. Replace it?", yes="Replace"
    )


def _suffixes(filters: str) -> tuple[str, ...]:
    """The types' suffixes: ".vcf", ".vcard" from "vCard (*.vcf *.vcard)"; none from "(*)"."""
    return tuple(f".{suffix.lower()}" for suffix in re.findall(r"\*\.([\w.]+)", filters))


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """One line from the user, stripped; None when cancelled or blank."""
    value, accepted = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return (value.strip() or None) if accepted else None
