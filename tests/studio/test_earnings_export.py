""" "Export CSV…" from the Earnings screen: the exact file, the filters kept, errors shown.

The save dialog is replaced by an awaitable that answers a path, as a person
choosing a file would; everything else (screen, cache, writer) is the real one.
"""

from datetime import UTC
from pathlib import Path

from pytestqt.qtbot import QtBot

from studio.ui.earnings import EarningsScreen
from studio.ui.earnings.export import ExportControl
from tests.studio.conftest import finish
from tests.studio.test_earnings_search import (  # noqa: F401 - the fixture, used here too
    ROWS,
    OfflineEarnings,
    offline_earnings,
    search,
)

SHOTS = Path("/tmp/shots")
HEADER = "date,kind,method,status,amount,fee,net,currency,payer,message,stream,id"


def utc(number: int) -> str:
    return ROWS[number - 1].created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def lines(*rows: str) -> bytes:
    """The file as Excel and every CSV reader want it: BOM, UTF-8, CRLF line ends."""
    return ("\ufeff" + "".join(f"{line}\r\n" for line in (HEADER, *rows))).encode("utf-8")


def choose_path(control: ExportControl, path: Path | None) -> None:
    async def answer(_parent: object, _suggested: Path) -> Path | None:
        return path

    control.ask_path = answer


def export_to(qtbot: QtBot, screen: EarningsScreen, path: Path | None) -> None:
    choose_path(screen.export, path)
    before = screen.export.message.text()
    screen.export.button.click()
    if path is not None:
        qtbot.waitUntil(lambda: screen.export.message.text() not in ("", before, "Exporting…"))
        qtbot.waitUntil(screen.export.button.isEnabled)


def test_exports_every_row_exactly(qtbot: QtBot, offline: OfflineEarnings, tmp_path: Path) -> None:
    screen = offline.screen
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "earnings.csv"
    export_to(qtbot, screen, target)

    assert screen.export.saved_to == target
    assert screen.export.message.text().startswith("Saved 6 rows to /")  # the middle elided
    assert screen.export.message.toolTip() == str(target)
    assert screen.export.message.objectName() == "hint"
    assert target.read_bytes() == lines(
        f"{utc(6)},ticket,mpesa,succeeded,1000.00,100.00,900.00,KES,'@Kamau,"
        '"\'=HYPERLINK(""http://evil.example"",""click"")",,pay_006',
        f"{utc(5)},tip,mpesa,succeeded,500.00,50.00,450.00,KES,Wanjiru,Asante sana!,,pay_005",
        f"{utc(4)},tip,mpesa,cancelled,200.00,20.00,180.00,KES,Otieno,50% off_promo,,pay_004",
        f"{utc(3)},tip,orange_money,succeeded,12500,1250,11250,XOF,Aïssatou,"
        '"Merci, ""grand"" frère !",,pay_003',
        f"{utc(2)},subscription,card,succeeded,123.45,12.34,111.11,KES,Njeri,"
        "'+254 call me,str_1,pay_002",
        f"{utc(1)},tip,mpesa,succeeded,100.00,10.00,90.00,KES,Kamau,Old friend,,pay_001",
    )
    assert [p.name for p in folder.iterdir()] == ["earnings.csv"]  # no part file left
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(100)
    assert screen.grab().save(str(SHOTS / "earnings_export_light.png"))


def test_exports_only_what_the_filters_and_search_show(
    qtbot: QtBot, offline: OfflineEarnings, tmp_path: Path
) -> None:
    screen = offline.screen
    screen.currency_box.setCurrentIndex(screen.currency_box.findData("KES"))
    search(qtbot, screen, "kamau")
    target = tmp_path / "kamau.csv"
    export_to(qtbot, screen, target)
    assert target.read_bytes() == lines(
        f"{utc(6)},ticket,mpesa,succeeded,1000.00,100.00,900.00,KES,'@Kamau,"
        '"\'=HYPERLINK(""http://evil.example"",""click"")",,pay_006',
        f"{utc(1)},tip,mpesa,succeeded,100.00,10.00,90.00,KES,Kamau,Old friend,,pay_001",
    )

    screen.currency_box.setCurrentIndex(screen.currency_box.findData("XOF"))
    search(qtbot, screen, "merci")
    single = tmp_path / "xof.csv"
    export_to(qtbot, screen, single)
    assert screen.export.message.text().startswith("Saved 1 row to /")
    assert screen.export.message.toolTip() == str(single)
    assert single.read_bytes() == lines(
        f"{utc(3)},tip,orange_money,succeeded,12500,1250,11250,XOF,Aïssatou,"
        '"Merci, ""grand"" frère !",,pay_003',
    )


def test_a_failed_or_cancelled_export_leaves_no_file(
    qtbot: QtBot, offline: OfflineEarnings, tmp_path: Path
) -> None:
    screen = offline.screen
    export_to(qtbot, screen, None)  # the creator closed the dialog
    qtbot.wait(50)
    assert screen.export.message.text() == "" and screen.export.saved_to is None

    nowhere = tmp_path / "gone" / "earnings.csv"
    export_to(qtbot, screen, nowhere)
    assert screen.export.message.text() == (
        "Could not save earnings.csv: No such file or directory"
    )
    assert screen.export.message.objectName() == "fieldError"
    assert screen.export.message.toolTip() == str(nowhere)
    assert not nowhere.parent.exists()

    finish(qtbot, offline.appearance.set_language("fr"))
    qtbot.waitUntil(lambda: screen.export.button.text() == "Exporter en CSV…")
    target = tmp_path / "revenus.csv"
    export_to(qtbot, screen, target)
    assert screen.export.message.text().startswith("6 lignes enregistrées dans /")
    assert screen.export.message.toolTip() == str(target)
    search(qtbot, screen, "Pourboire")
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(100)
    assert screen.grab().save(str(SHOTS / "earnings_export_fr.png"))
    offline.appearance.set_theme("dark")
    qtbot.wait(100)
    assert screen.grab().save(str(SHOTS / "earnings_export_fr_dark.png"))
