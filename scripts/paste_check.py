#!/usr/bin/python3
"""Copy and paste between Ключник's real window and another program, with real hands.

Started by scripts/paste-check.sh inside its own D-Bus session with the AT-SPI bus on and an
Xvfb screen. «Another program» is xclip: it owns the X11 clipboard the way a browser does.
The mouse and the keys are xdotool's; AT-SPI (what Orca reads) only finds where things are and
reads what the fields hold afterwards — it types and presses nothing.

Two starts of the release binary, each on an unfinished wizard it resumes (the state a person
reaches by closing the window mid-wizard):
  1. Ivideon → PASS24.online, step 1: Ctrl+V into a plain field («Клиент или объект»),
     Shift+Insert into the e-mail field («Логин»), its «Копировать» read back with `xclip -o`;
     the secret «Пароль»: Ctrl+V, Shift+Insert and the «Вставить» button, each with what the
     page says about the paste, and the value checked through «Показать».
  2. the same wizard on its camera step: «Вставить список», Ctrl+V of rows copied from a
     spreadsheet (tab-separated), «Добавить строки из списка», the cells read back.
And a saved connection's card («Изменить», Ctrl+V into its address, saved and read back).
Exits non-zero with the reason on the first thing that does not hold.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pyatspi  # noqa: E402
from atspi_wizard import (Driver, Fail, ROLE_BUTTON, ROLE_TEXT, children, log, safe, text_of,
                          walk)  # noqa: E402

FLOW = "ivideon-pass24"


def draft(step):
    """An unfinished wizard as Ключник writes it when the window closes (secrets are never in it)."""
    return {
        "flow": FLOW, "step": step, "target": None, "connection_id": str(uuid.uuid4()),
        "entry": 0, "stored": [], "values": {}, "tables": {}, "confirmed": [],
        "completes_pending": False,
    }


def set_clipboard(text):
    """Another program takes the clipboard (xclip stays behind to serve it, as a browser does)."""
    subprocess.run(["xclip", "-selection", "clipboard", "-i"], input=text.encode(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
    deadline = time.monotonic() + 5
    while get_clipboard() != text:
        if time.monotonic() > deadline:
            raise Fail("xclip не занял буфер обмена")
        time.sleep(0.05)


def get_clipboard():
    r = subprocess.run(["xclip", "-selection", "clipboard", "-o"], capture_output=True, timeout=10)
    return r.stdout.decode() if r.returncode == 0 else None


def xdo(*args):
    subprocess.run(["xdotool", *args], check=True, timeout=10)


class Hands:
    """The mouse and the keyboard, aimed with what AT-SPI says about positions."""

    def __init__(self, driver, window, work):
        self.d = driver
        self.window = window
        self.work = work

    def click(self, acc, what):
        ext = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        if ext.width <= 0 or ext.height <= 0:
            raise Fail(f"у «{what}» нет места на экране ({ext.x},{ext.y} {ext.width}×{ext.height})")
        x, y = ext.x + ext.width // 2, ext.y + ext.height // 2
        # egui needs a frame with the pointer over the widget before the press.
        xdo("mousemove", str(x), str(y))
        time.sleep(0.25)
        xdo("click", "1")
        time.sleep(0.25)
        log(f"  щелчок мышью: «{what}» ({x}, {y})")

    def keys(self, combo):
        xdo("windowfocus", self.window)
        xdo("key", "--clearmodifiers", combo)
        time.sleep(0.3)
        log(f"  клавиши: {combo}")


def field(d, name):
    acc, _, _ = d.node(name, ROLE_TEXT | {pyatspi.ROLE_PASSWORD_TEXT})
    return acc


def on_row_of(d, anchor, name):
    """The button named `name` on the same line as `anchor` (several «Копировать» on a page)."""
    a = anchor.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
    mid = a.y + a.height // 2

    def match(found):
        for acc, _, role, n in found:
            if n == name and role in ROLE_BUTTON:
                e = safe(lambda: acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS))
                if e and e.y <= mid <= e.y + e.height:
                    return acc
        return None
    return d.wait(f"«{name}» в строке поля", match)


def wait_text(d, name, expected, what):
    def match(found):
        for acc, _, role, n in found:
            if n == name and (role in ROLE_TEXT or role == pyatspi.ROLE_PASSWORD_TEXT):
                if text_of(acc) == expected:
                    return acc
        return None
    d.wait(f"{what}: в поле «{name}» должно быть «{expected}»", match)
    log(f"  ✔ {what}: в поле «{name}» «{expected}»")


def wait_shown(d, text, what):
    d.node(text, None, what=f"{what}: на странице «{text}»", exact=False)
    log(f"  ✔ {what}: на странице «{text}»")


def clear(hands):
    hands.keys("ctrl+a")
    hands.keys("BackSpace")


def first_step(d, hands):
    args_work = hands.work
    log("Шаг 1 мастера Ivideon → PASS24.online: обычные поля")
    client = "ООО «Ромашка», склад №2"
    set_clipboard(client)
    hands.click(field(d, "Клиент или объект *"), "Клиент или объект")
    clear(hands)
    hands.keys("ctrl+v")
    wait_text(d, "Клиент или объект *", client, "Ctrl+V из другой программы")

    login = "robot.pass24@example.ru"
    set_clipboard(f"{login}\n")
    hands.click(field(d, "Логин *"), "Логин")
    clear(hands)
    hands.keys("shift+Insert")
    wait_text(d, "Логин *", login, "Shift+Insert (перенос строки по краю убран)")

    set_clipboard("что-то другое")
    hands.click(on_row_of(d, field(d, "Логин *"), "Копировать"), "Копировать (Логин)")
    deadline = time.monotonic() + 5
    while get_clipboard() != login:
        if time.monotonic() > deadline:
            raise Fail(f"«Копировать» у «Логин»: xclip -o читает «{get_clipboard()}», а не «{login}»")
        time.sleep(0.1)
    log(f"  ✔ «Копировать» у «Логин»: xclip -o читает «{login}»")

    log("Шаг 1: секретное поле «Пароль»")
    password = "Pass24-ИнтеграцияW7q"
    set_clipboard(password)
    hands.click(field(d, "Пароль *"), "Пароль")
    hands.keys("ctrl+v")
    wait_shown(d, f"Вставлено {len(password)} знаков.", "Ctrl+V в секретное поле")
    hands.click(on_row_of(d, field(d, "Пароль *"), "Показать"), "Показать")
    wait_text(d, "Пароль *", password, "Ctrl+V в секретное поле")

    mail = "manager@example.ru"
    set_clipboard(mail)
    hands.click(field(d, "Пароль *"), "Пароль")
    clear(hands)
    hands.keys("shift+Insert")
    wait_text(d, "Пароль *", mail, "Shift+Insert в секретное поле")
    wait_shown(d, "похоже на e-mail, а не на «Пароль»", "Shift+Insert в секретное поле")

    set_clipboard(f" {password}\r\n")
    hands.click(on_row_of(d, field(d, "Пароль *"), "Вставить"), "Вставить")
    wait_text(d, "Пароль *", password, "кнопка «Вставить» (пробел и перенос по краям убраны)")
    wait_shown(d, f"Вставлено {len(password)} знаков.", "кнопка «Вставить»")
    # What the page looks like after a paste (the README's picture comes from here).
    xdo("mousemove", "1365", "767")
    time.sleep(0.5)
    subprocess.run(["sh", "-c", f"xwd -root -silent | convert xwd:- {args_work}/paste.png"])


def camera_step(d, hands):
    log("Шаг 5: список камер из таблицы")
    hands.click(d.node("Вставить список", ROLE_BUTTON)[0], "Вставить список")
    box, _, _ = d.node("По одной строке", ROLE_TEXT, exact=False)
    rows = "100-abcdefghij0123456789AB:0\tВъезд КПП\tвъезд\n100-ZYXWVUTSRQ9876543210ab:1\tВыезд\tвыезд\n"
    set_clipboard(rows)
    hands.click(box, "поле списка")
    hands.keys("ctrl+v")
    hands.click(d.node("Добавить строки из списка", ROLE_BUTTON)[0], "Добавить строки из списка")
    want = ["100-abcdefghij0123456789AB:0", "Въезд КПП", "100-ZYXWVUTSRQ9876543210ab:1", "Выезд"]

    def cells(found):
        got = [text_of(acc) for acc, _, role, n in found
               if n == "Камеры и их направление *" and role in ROLE_TEXT]
        return got if got == want else None
    try:
        d.wait("ячейки таблицы камер", cells)
    except Fail:
        got = [text_of(acc) for acc, _, role, n in d.nodes()
               if n == "Камеры и их направление *" and role in ROLE_TEXT]
        raise Fail(f"в таблице камер {got}, а не {want}")
    log(f"  ✔ Ctrl+V списка из двух строк: в таблице {want}")


def find_frame(d, timeout):
    """The window in the AT-SPI tree, once it shows a wizard step (it opens on one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for app in children(pyatspi.Registry.getDesktop(0)):
            for child in children(app):
                if safe(child.getRole) in (pyatspi.ROLE_FRAME, pyatspi.ROLE_WINDOW) and any(
                        n.startswith("Шаг ") for _, _, _, n in walk(child)):
                    d.frame = child
                    return
        time.sleep(0.2)
    raise Fail("окно Ключника с шагом мастера не появилось в дереве AT-SPI")


def window_id(timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ids = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "."],
                             capture_output=True, text=True).stdout.split()
        for i in ids:
            name = subprocess.run(["xdotool", "getwindowname", i], capture_output=True,
                                  text=True).stdout.strip()
            if name == "Ключник":
                return i
        time.sleep(0.2)
    raise Fail("окно «Ключник» не появилось")


def run_case(args, step, body):
    home = os.path.join(args.work, f"home-{step}")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, "draft.json"), "w") as f:
        json.dump(draft(step), f)
    log_path = os.path.join(args.work, f"app-{step}.log")
    env = dict(os.environ, KLYUCHNIK_HOME=home, KLYUCHNIK_KEYRING="keyutils")
    with open(log_path, "w") as out:
        app = subprocess.Popen([args.bin], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        d = Driver(args.timeout)
        find_frame(d, args.timeout)
        hands = Hands(d, window_id(args.timeout), args.work)
        d.node(f"Шаг {step + 1} из", None, exact=False)
        body(d, hands)
    except Fail:
        subprocess.run(["sh", "-c", f"xwd -root -silent | convert xwd:- {args.work}/fail-{step}.png"])
        with open(log_path) as f:
            sys.stderr.write("--- журнал приложения (конец):\n" + "".join(f.readlines()[-30:]))
        raise
    finally:
        app.terminate()
        app.wait(10)


CARD = "ELMA365 — обмен с 1С, склад"


def card_case(args):
    """A saved connection's card (scripts/screenshot-seeds/card/seed.sh, with Ключник's own
    `add`), opened as `klyuchnik open НАЗВАНИЕ` opens it: «Изменить», Ctrl+V of a new address
    from another program, «Сохранить изменения», and the value read back with `klyuchnik show`."""
    home = os.path.join(args.work, "home-card")
    os.makedirs(home, exist_ok=True)
    env = dict(os.environ, KLYUCHNIK_HOME=home, KLYUCHNIK_KEYRING="keyutils")
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run([os.path.join(here, "screenshot-seeds/card/seed.sh"), args.bin], env=env,
                   check=True, stdout=subprocess.DEVNULL, timeout=30)
    log_path = os.path.join(args.work, "app-card.log")
    with open(log_path, "w") as out:
        app = subprocess.Popen([args.bin, "open", CARD], env=env, stdout=out,
                               stderr=subprocess.STDOUT)
    try:
        d = Driver(args.timeout)
        deadline = time.monotonic() + args.timeout
        while d.frame is None and time.monotonic() < deadline:
            for a in children(pyatspi.Registry.getDesktop(0)):
                for child in children(a):
                    if safe(child.getRole) in (pyatspi.ROLE_FRAME, pyatspi.ROLE_WINDOW) and any(
                            n == "Что сохранено" for _, _, _, n in walk(child)):
                        d.frame = child
            time.sleep(0.2)
        if d.frame is None:
            raise Fail("карточка подключения не появилась в дереве AT-SPI")
        hands = Hands(d, window_id(args.timeout), args.work)
        log("Карточка подключения: «Изменить» и Ctrl+V адреса из другой программы")
        hands.click(d.node("Изменить", ROLE_BUTTON)[0], "Изменить")
        address = "https://lesnaya.elma365.ru"
        set_clipboard(address)
        hands.click(field(d, "Адрес компании в ELMA365"), "Адрес компании в ELMA365")
        clear(hands)
        hands.keys("ctrl+v")
        wait_text(d, "Адрес компании в ELMA365", address, "Ctrl+V в поле карточки")
        hands.click(d.node("Сохранить изменения", ROLE_BUTTON)[0], "Сохранить изменения")
        wait_shown(d, "Изменения сохранены.", "«Сохранить изменения»")
        shown = subprocess.run([args.bin, "show", CARD, "--json"], env=env, capture_output=True,
                               text=True, timeout=30)
        saved = {f["id"]: f.get("value") for f in json.loads(shown.stdout)["fields"]}
        if saved.get("address") != address:
            raise Fail(f"klyuchnik show: адрес «{saved.get('address')}», а не «{address}»")
        log(f"  ✔ klyuchnik show --json: адрес «{address}» сохранён")
    except Fail:
        subprocess.run(["sh", "-c", f"xwd -root -silent | convert xwd:- {args.work}/fail-card.png"])
        with open(log_path) as f:
            sys.stderr.write("--- журнал приложения (конец):\n" + "".join(f.readlines()[-30:]))
        raise
    finally:
        app.terminate()
        app.wait(10)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--timeout", type=float, default=20)
    args = p.parse_args()
    try:
        run_case(args, 0, first_step)
        run_case(args, 4, camera_step)
        card_case(args)
    except Fail as e:
        log(f"ОШИБКА: {e}")
        return 1
    log("Копирование и вставка с другой программой работают.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
