#!/usr/bin/python3
"""Drives a running Ключник through AT-SPI (what Orca reads) while another program holds the
connections file's lock, and takes two screenshots: «Удалить» waiting with the banner
«Файл подключений занят другой программой, ждём…», then the refusal once the wait ended; and
«Настройки» with the backup copy and «Восстановить из резервной копии…». Started by
scripts/lock-screenshots.sh. Every control is reached only through the accessibility API.

Usage: atspi_lock.py SCENARIO --out DIR --name CONNECTION
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import atspi_team as t  # noqa: E402  (shot, open_card)
import atspi_wizard as w  # noqa: E402  (the driver)


def press_last(d, name):
    """Presses the last button called `name`: the question's own, drawn over the card's."""
    found = d.wait(f"«{name}» в вопросе", lambda nodes: [
        acc for acc, _, role, n in nodes if n == name and role in w.ROLE_BUTTON])
    action = found[-1].queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    if "click" not in names or not action.doAction(names.index("click")):
        raise w.Fail(f"«{name}» в вопросе не нажимается")
    w.log(f"  нажато через Action «click»: {name} (в вопросе)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=["busy", "backup"])
    p.add_argument("--out", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--timeout", type=float, default=20)
    a = p.parse_args()
    d = w.Driver(a.timeout)
    try:
        d.find_frame()
        if a.scenario == "busy":
            t.open_card(d, a.name)
            d.press("Удалить", w.ROLE_BUTTON)
            d.node("Удалить подключение?", what="вопрос об удалении")
            press_last(d, "Удалить")
            d.node("Файл подключений занят другой программой, ждём", exact=False,
                   what="баннер ожидания")
            t.shot(a.out, "lock-waiting")
            d.node("Подключение не удалено", exact=False, what="отказ после ожидания")
            d.node(a.name, what="подключение осталось в списке")
        else:
            d.press("Настройки", w.ROLE_BUTTON)
            d.press("Восстановить из резервной копии…", w.ROLE_BUTTON)
            d.node("Заменить нынешний список", exact=False, what="вопрос о восстановлении")
            t.shot(a.out, "backup-restore")
            d.press("Восстановить", w.ROLE_BUTTON)
            d.node("Восстановлено из резервной копии", exact=False, what="итог восстановления")
    except w.Fail as e:
        w.log(f"ОШИБКА: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
