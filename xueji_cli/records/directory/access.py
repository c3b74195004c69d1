"""Access notes (personal data, PRODUCT.md): whenever full ID numbers are shown (`--show-id`), the journal
records who asked, when, with which command and for which students — by record, never
the ID numbers themselves. The note is written before anything is shown: no note, no
numbers.

Every command that takes --show-id calls `note` (in its own write transaction) or
`note_in` (inside the transaction it already has) when the option is given."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from xueji_cli.ledger import journal
from xueji_cli.ledger.models import JournalEntry, Student
from xueji_cli.values.dates import today

KIND = "access"
# Commands that note each student they show; every other command with --show-id is noted
# by cli/workspace.py (command and masked arguments) before it runs.
PRECISE = frozenset({"enroll", "student show", "student list"})


def note_in(session: Session, operator: str, command: str,
            students: Iterable[Student]) -> JournalEntry:
    """Append the access note in the caller's transaction."""
    shown = list({s.id: s for s in students}.values())
    return journal.record(
        session, None, KIND, today(), operator,
        reason=f"{command} --show-id",
        details={"command": command, "count": len(shown),
                 "student_ids": [s.id for s in shown],
                 "local_numbers": [s.local_number for s in shown if s.local_number]},
        remark=f"显示完整身份证号:{len(shown)} 人")


def note(workspace, command: str, students: Iterable[Student]) -> JournalEntry:
    """Append the access note in a transaction of its own."""
    with workspace.store.session(write=True) as session:
        return note_in(session, workspace.operator, command, students)


NOTED_LENGTH = 200  # of each argument: enough to tell what was asked


def note_command(workspace, command: str, arguments: dict) -> JournalEntry:
    """Note a --show-id use by command and arguments: as typed — the command judges them
    after the note — but with ID numbers masked, control and direction characters as
    their codes (values/characters.visible) and cut short, since the note is written
    whatever the command then refuses."""
    from xueji_cli.values.characters import visible
    from xueji_cli.values.privacy import mask_text

    shown = {name: visible(mask_text(str(value)))[:NOTED_LENGTH]
             for name, value in arguments.items() if value not in (None, False, [], ())}
    with workspace.store.session(write=True) as session:
        return journal.record(
            session, None, KIND, today(), workspace.operator, reason=f"{command} --show-id",
            details={"command": command, "arguments": shown},
            remark="显示完整身份证号")
