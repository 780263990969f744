#!/usr/bin/python3
"""Drives a running Ключник on a team store through AT-SPI (what Orca reads) and takes the
team-store screenshots: the store choice and login, the team's list, a colleague's change
refused in «Изменить», a secret locked for a depositor. Started by scripts/team-screenshots.sh
inside its own D-Bus session with the AT-SPI bus on. Every control is reached only through the
accessibility API (Action «click», EditableText) — no mouse, no keyboard.

Usage: atspi_team.py SCENARIO --out DIR [options]; see scripts/team-screenshots.sh.
"""

import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atspi_wizard as w  # noqa: E402  (the same driver as the wizard check)


def shot(out, name):
    # Let the last frame settle, the pointer away from the window (a tooltip would cover it).
    subprocess.run(["xdotool", "mousemove", "1365", "767"], check=False)
    time.sleep(1.5)
    path = os.path.join(out, f"{name}.png")
    subprocess.run(f"xwd -root -silent | convert xwd:- '{path}'", shell=True, check=True)
    w.log(f"  снимок: {path}")


def open_card(d, name):
    d.press(name, w.ROLE_BUTTON)
    d.node("Что сохранено", what="карточка подключения")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=["login", "conflict", "lock"])
    p.add_argument("--out", required=True)
    p.add_argument("--addr", default="")
    p.add_argument("--team", default="")
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    p.add_argument("--name", default="", help="the connection to open")
    p.add_argument("--colleague", default="", help="a shell command: a colleague's change")
    p.add_argument("--timeout", type=float, default=20)
    a = p.parse_args()
    d = w.Driver(a.timeout)
    try:
        d.find_frame()
        if a.scenario == "login":
            w.log("«Настройки» → «Хранилище…» → «Хранилище команды»")
            d.press("Настройки", w.ROLE_BUTTON)
            d.press("Хранилище…", w.ROLE_BUTTON)
            d.press("Хранилище команды", w.ITEM_ROLES)
            d.set_text("Адрес хранилища", a.addr, False)
            d.set_text("Команда", a.team, False)
            d.set_text("Логин", a.user, False)
            d.set_text("Пароль", a.password, True)
            shot(a.out, "team-login")
            d.press("Войти", w.ROLE_BUTTON)
            d.node(f"Хранилище команды «{a.team}» — вы вошли как {a.user}", exact=False,
                   what="заголовок списка команды")
            d.node(a.name, what=f"«{a.name}» в списке команды")
            shot(a.out, "team-list")
        elif a.scenario == "conflict":
            open_card(d, a.name)
            d.press("Изменить", w.ROLE_BUTTON)
            d.set_text("Пользователь", "Интеграция 1С — смена Ивановой", False)
            w.log(f"Коллега меняет «{a.name}»: {a.colleague}")
            subprocess.run(a.colleague, shell=True, check=True, stdout=subprocess.DEVNULL)
            d.press("Сохранить изменения", w.ROLE_BUTTON)
            d.node("изменено коллегой", exact=False, what="сообщение о правке коллеги")
            shot(a.out, "team-conflict")
        else:
            open_card(d, a.name)
            d.node("Нет права читать секреты", exact=False, what="замок на секрете")
            shot(a.out, "team-lock")
    except w.Fail as e:
        w.log(f"ОШИБКА: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
