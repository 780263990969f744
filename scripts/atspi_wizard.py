#!/usr/bin/python3
"""Drives a running Ключник through AT-SPI — the accessibility tree Orca reads on Linux.

Started by scripts/atspi-check.sh inside its own D-Bus session, with the AT-SPI bus enabled and
the app already launched. Uses Debian's pyatspi, so run it with /usr/bin/python3 (a pyenv or
other CPython cannot import the system's gi/pyatspi).

What it does, only through the accessibility API (no mouse, no keyboard):
  * finds the app's top-level frame and checks its accessible name («Ключник»);
  * home → «Новое подключение» → the flow «ЕИС → БФТ.Закупки: учётные записи для интеграции»;
  * on every step: fills the empty text and password fields through the EditableText interface
    (SetTextContents, which accesskit maps to egui's SetValue action — a screen reader's «edit
    the value», no focus or keystrokes needed), opens the drop-down, presses the choice and
    closes it again, ticks the confirmation checkboxes and presses «Далее» through the Action
    interface (doAction «click»), then waits for «Шаг N из M» to move on;
  * presses «Сохранить подключение», waits for «Подключение сохранено», goes back to the list
    and finds the new connection's name there;
  * prints the reading order (names in tree order, with states and descriptions) of the page
    with the fields and of the finish page;
  * lists every name or description with Latin words that are not product or system names, and
    fails on those and on an empty window name.

Every wait polls the tree (10 times a second) up to --timeout seconds. Writes a JSON summary to
--report for the shell script, which then checks the files and the keyring.
"""

import argparse
import json
import re
import sys
import time

import pyatspi
from gi.repository import Atspi

# Names with Latin letters that are fine: products, systems, formats, protocols.
ALLOWED = [
    "ELMA365", "Vision Ellcom", "WB Point", "Wildberries", "Ivideon", "PASS24.online", "PASS24",
    # A narrow list tags rows with the systems' short names («Vision → WB»).
    "Vision", "WB",
    # The values PASS24.online's database takes for a camera's direction (the document's words).
    "forward", "reverse",
    "API", "URL", "CSV", "SQL", "JSON", "HTTPS", "HTTP", "ID", "e-mail", "E-mail", "Email",
    "Linux", "Windows", "macOS", "Secret Service", "Excel", "OAuth", "SSO", "IP", "TLS",
]
# Addresses and paths are data, not words: https://…, zakupki.gov.ru, /tmp/….
DATA_PATTERNS = [
    # E-mail addresses first: the domain pattern below would leave their first half.
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
    re.compile(r"https?://\S+"),
    re.compile(r"\b[\w-]+(\.[\w-]+)*\.(ru|com|online|net|org|io)\b", re.IGNORECASE),
    re.compile(r"(?<!\w)/[\w./-]+"),
    # Ivideon camera ids are values too.
    re.compile(r"\b\d{3}-[A-Za-z0-9]+:\d+\b"),
    # A token or identifier shown on request («Показать»): a value, not words.
    re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
]
LATIN = re.compile(r"[A-Za-z]")

ROLE_TEXT = {pyatspi.ROLE_ENTRY, pyatspi.ROLE_PASSWORD_TEXT, pyatspi.ROLE_TEXT}
ROLE_BUTTON = {pyatspi.ROLE_PUSH_BUTTON}
ITEM_ROLES = {pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_LIST_ITEM, pyatspi.ROLE_MENU_ITEM,
              pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_RADIO_MENU_ITEM, pyatspi.ROLE_PUSH_BUTTON}
# States worth hearing next to a control's name in the printed reading order.
SPOKEN_STATES = [("checked", pyatspi.STATE_CHECKED), ("pressed", pyatspi.STATE_PRESSED),
                 ("required", pyatspi.STATE_REQUIRED), ("expanded", pyatspi.STATE_EXPANDED),
                 ("focused", pyatspi.STATE_FOCUSED)]


class Fail(Exception):
    pass


def log(msg=""):
    print(msg, flush=True)


def safe(fn, default=None):
    try:
        return fn()
    except Exception:  # a node can vanish between two calls: the UI redraws every frame
        return default


def children(acc):
    n = safe(lambda: acc.childCount, 0) or 0
    for i in range(n):
        child = safe(lambda: acc.getChildAtIndex(i))
        if child is not None:
            yield child


def walk(acc, depth=0):
    """(node, depth, role, name) in tree order: the order a screen reader reads in."""
    role = safe(acc.getRole, pyatspi.ROLE_INVALID)
    name = safe(lambda: acc.name, "") or ""
    yield acc, depth, role, name
    for child in children(acc):
        yield from walk(child, depth + 1)


def role_name(role):
    return safe(lambda: Atspi.role_get_name(role), str(role))


def has_state(acc, state):
    s = safe(acc.getState)
    return bool(s and s.contains(state))


def text_of(acc):
    return safe(lambda: acc.queryText().getText(0, -1), None)


def bare(label):
    """A field's accessible name without the required-field star."""
    return label[:-2] if label.endswith(" *") else label


class Driver:
    def __init__(self, timeout):
        self.timeout = timeout
        self.frame = None
        self.seen = {}  # name or description → role, for the Latin check on every page visited
        self.warnings = []  # printed, not failed on

    # --- finding things -------------------------------------------------------------------

    def find_frame(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for app in children(pyatspi.Registry.getDesktop(0)):
                for child in children(app):
                    if safe(child.getRole) in (pyatspi.ROLE_FRAME, pyatspi.ROLE_WINDOW):
                        # The tree is there once the home screen has its button.
                        if any(n == "Новое подключение" for _, _, _, n in walk(child)):
                            self.frame = child
                            return app, child
            time.sleep(0.2)
        raise Fail("окно приложения не появилось в дереве AT-SPI "
                   f"за {self.timeout:.0f} с (accesskit не включился?)")

    def nodes(self):
        found = list(walk(self.frame))
        for _, _, role, name in found:
            if name:
                self.seen.setdefault(name, role)
        return found

    def survey(self):
        """Records every name and description on the screen, for the Latin check."""
        for acc, _, role, _ in self.nodes():
            description = safe(lambda: acc.description, "") or ""
            if description:
                self.seen.setdefault(description, role)

    def wait(self, what, predicate, timeout=None):
        """Polls the tree until predicate(nodes) gives something, and returns that."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            found = self.nodes()
            result = predicate(found)
            if result:
                return result
            if time.monotonic() > deadline:
                self.dump(found)
                raise Fail(f"не дождался за {timeout or self.timeout:.0f} с: {what}")
            time.sleep(0.1)

    def node(self, name, roles=None, what=None, exact=True):
        """Waits for a node by its name (and role); returns (node, role, name)."""
        def match(found):
            for acc, _, role, n in found:
                if ((n == name) if exact else (name in n)) and (roles is None or role in roles):
                    return acc, role, n
            return None
        return self.wait(what or f"«{name}»", match)

    def dump(self, found):
        log("--- дерево доступности сейчас:")
        for _, depth, role, name in found:
            log(f"{'  ' * depth}[{role_name(role)}] {name}")
        log("---")

    # --- acting: each looks the node up again and retries, in case the tree was just rebuilt -

    def retry(self, what, act):
        error = None
        for _ in range(3):
            try:
                return act()
            except Fail:
                raise
            except Exception as e:  # a node that was replaced between finding and acting
                error = e
                time.sleep(0.2)
        raise Fail(f"{what}: {error}")

    def press(self, name, roles, note=""):
        def act():
            acc, role, _ = self.node(name, roles)
            action = acc.queryAction()
            names = [action.getName(i) for i in range(action.nActions)]
            if "click" not in names:
                raise Fail(f"у [{role_name(role)}] «{name}» нет действия «click» (есть: {names})")
            if not action.doAction(names.index("click")):
                raise Fail(f"doAction(click) на «{name}» вернул false")
            log(f"  нажато через Action «click»: [{role_name(role)}] {name}{note}")
            return acc
        return self.retry(f"нажать «{name}»", act)

    def set_text(self, name, value, secret):
        def act():
            acc, role, _ = self.node(name, ROLE_TEXT)
            if not acc.queryEditableText().setTextContents(value):
                raise Fail(f"EditableText.setTextContents на поле «{name}» вернул false")
            return acc, role
        acc, role = self.retry(f"ввести в «{name}»", act)

        def filled(found):
            for a, _, r, n in found:
                text = text_of(a) if n == name and r in ROLE_TEXT else None
                if text is not None and len(text) == len(value) and (secret or text == value):
                    return True
            return False
        self.wait(f"значение в поле «{bare(name)}»", filled, timeout=10)
        shown = "•" * len(value) if secret else value
        log(f"  введено через EditableText: [{role_name(role)}] {bare(name)} = {shown}")

    # --- the wizard -----------------------------------------------------------------------

    @staticmethod
    def step_number(found):
        for _, _, _, name in found:
            m = re.fullmatch(r"Шаг (\d+) из (\d+)", name)
            if m:
                return int(m.group(1)), int(m.group(2))
        return None

    def fill_page(self, values, choices):
        found = self.nodes()
        # Text and password fields, by their label; fields shown again later keep their value.
        # A value the wizard offered (the connection's name) is replaced with the one wanted.
        for acc, _, role, name in found:
            if role in ROLE_TEXT and bare(name) in values:
                text = text_of(acc)
                if text and (text == values[bare(name)] or role == pyatspi.ROLE_PASSWORD_TEXT):
                    log(f"  уже заполнено: [{role_name(role)}] {bare(name)}")
                    continue
                self.set_text(name, values[bare(name)], role == pyatspi.ROLE_PASSWORD_TEXT)
        # Drop-downs: open with «click», press the item, close again — as a screen-reader user
        # would. The popup's items are toggle buttons; the chosen one becomes «pressed».
        for _, _, role, name in found:
            if role == pyatspi.ROLE_COMBO_BOX and bare(name) in choices:
                choice = choices[bare(name)]
                self.press(name, {role}, " (открыть список)")
                self.node(choice, ITEM_ROLES, what=f"пункт «{choice}» в списке «{bare(name)}»")
                self.press(choice, ITEM_ROLES)
                self.wait(f"«{choice}» выбрано в «{bare(name)}»",
                          lambda f: any(n == choice and r in ITEM_ROLES and (
                              has_state(a, pyatspi.STATE_PRESSED) or has_state(a, pyatspi.STATE_CHECKED)
                              or has_state(a, pyatspi.STATE_SELECTED)) for a, _, r, n in f),
                          timeout=10)
                self.press(name, {role}, " (закрыть список)")
                self.wait(f"список «{bare(name)}» закрылся",
                          lambda f: not any(r == pyatspi.ROLE_LIST_BOX for _, _, r, _ in f), timeout=10)
                # What a screen reader says for the closed drop-down: is the choice in it?
                acc, _, _ = self.node(name, {role})
                said = [safe(lambda: acc.name, ""), safe(lambda: acc.description, ""), text_of(acc)]
                if not any(choice in (s or "") for s in said):
                    self.warnings.append(
                        f"закрытый список «{bare(name)}» не сообщает выбранное значение «{choice}» "
                        f"(имя «{said[0]}», описание «{said[1]}», текста нет)" if said[2] is None else
                        f"закрытый список «{bare(name)}» не сообщает выбранное значение «{choice}»")
        # Confirmations: every checkbox on the page that is not ticked yet.
        for acc, _, role, name in self.nodes():
            if role == pyatspi.ROLE_CHECK_BOX and not has_state(acc, pyatspi.STATE_CHECKED):
                self.press(name, {role})
                self.wait(f"отметка «{name}»",
                          lambda f, name=name: any(
                              r == pyatspi.ROLE_CHECK_BOX and n == name
                              and has_state(a, pyatspi.STATE_CHECKED) for a, _, r, n in f),
                          timeout=10)

    def reading_order(self, title):
        log(f"\nПорядок чтения (имена в порядке дерева) — {title}:")
        for acc, depth, role, name in self.nodes():
            if not name and role not in ROLE_TEXT and role != pyatspi.ROLE_FRAME:
                continue  # unnamed containers (panels, scroll areas) are not read out
            said = [word for word, state in SPOKEN_STATES if has_state(acc, state)]
            if role not in (pyatspi.ROLE_LABEL, pyatspi.ROLE_FRAME) and not has_state(acc, pyatspi.STATE_ENABLED):
                said.append("недоступно")
            description = safe(lambda: acc.description, "") or ""
            extra = (f" ({', '.join(said)})" if said else "") + (
                f" — описание «{description}»" if description and description != name else "")
            log(f"  {'  ' * max(depth - 1, 0)}[{role_name(role)}] {name}{extra}")
        log()

    def latin(self):
        bad = []
        for name, role in sorted(self.seen.items()):
            rest = name
            for pattern in DATA_PATTERNS:
                rest = pattern.sub(" ", rest)
            for word in sorted(ALLOWED, key=len, reverse=True):
                rest = re.sub(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", " ", rest)
            if LATIN.search(rest):
                bad.append((role_name(role), name, " ".join(re.findall(r"[A-Za-z][\w'-]*", rest))))
        return bad


def run(d, args, report):
    started = time.monotonic()
    app, frame = d.find_frame()
    report["app_name"] = safe(lambda: app.name, "")
    report["frame_name"] = safe(lambda: frame.name, "")
    log(f"Приложение в AT-SPI: «{report['app_name']}», окно: [{role_name(safe(frame.getRole))}] "
        f"«{report['frame_name']}» (дерево появилось за {time.monotonic() - started:.1f} с)")
    if not report["frame_name"]:
        report["problems"].append("у окна (роль frame) пустое доступное имя — ожидалось «Ключник»")
    elif report["frame_name"] != "Ключник":
        report["problems"].append(f"доступное имя окна «{report['frame_name']}», ожидалось «Ключник»")

    d.survey()
    log("\nГлавный экран → «Новое подключение»")
    d.press("Новое подключение", ROLE_BUTTON)
    log(f"Выбор мастера → «{args.flow_title}»")
    d.node(args.flow_title, ROLE_BUTTON | {pyatspi.ROLE_LINK})
    d.survey()
    d.press(args.flow_title, ROLE_BUTTON | {pyatspi.ROLE_LINK})

    values = {
        "Логин": args.login,
        "Пароль": args.secret,
        "Организация": args.organization,
        "Название подключения в Ключнике": args.name,
    }
    choices = {"Тип учетной записи": "Организационная"}
    step, total = d.wait("«Шаг 1 из N»", d.step_number)
    printed = False
    while True:
        names = [n for _, _, _, n in d.nodes()]
        title = next((names[i + 1] for i, n in enumerate(names[:-1]) if n.startswith("Выполняет:")), "?")
        log(f"\nШаг {step} из {total}: {title}")
        d.fill_page(values, choices)
        d.survey()
        found = d.nodes()
        if not printed and any(r in ROLE_TEXT for _, _, r, _ in found):
            d.reading_order(f"шаг {step} «{title}»")
            printed = True
        if step < total:
            d.press("Далее", ROLE_BUTTON)
            step, total = d.wait(f"переход на шаг {step + 1}", lambda f: (
                lambda s: s if s and s[0] == step + 1 else None)(d.step_number(f)))
            continue
        # The last step's primary button commits: «Сохранить подключение».
        # Not «Сохранить и продолжить позже», which pauses the wizard instead.
        finish = next((n for _, _, r, n in found if r in ROLE_BUTTON and n.startswith("Сохранить")
                       and not n.startswith("Сохранить и продолжить")), None)
        if finish is None:
            raise Fail("на последнем шаге нет кнопки «Сохранить…»")
        d.press(finish, ROLE_BUTTON)
        break

    _, _, done = d.node("Подключение сохранено", exact=False, what="страница «Подключение сохранено»")
    log(f"\nГотово: «{done}»")
    d.survey()
    d.reading_order("страница завершения")
    d.press("К списку подключений", ROLE_BUTTON)
    _, role, name = d.node(args.name, what=f"«{args.name}» в списке подключений")
    log(f"В списке подключений через AT-SPI: [{role_name(role)}] «{name}»")
    d.survey()
    report["listed"] = True

    # The card: the name in the list opens it; the password is read from the keyring only when
    # asked for, and hidden again.
    log("\nКарточка подключения: нажать название в списке")
    d.press(args.name, ROLE_BUTTON)
    d.node("Что сохранено", what="карточка подключения")
    d.survey()
    d.reading_order("карточка подключения")
    d.press("Показать «Пароль»", ROLE_BUTTON)
    d.node(args.secret, what="пароль, прочитанный из хранилища паролей")
    log("  «Показать «Пароль»»: пароль прочитан из хранилища паролей и показан")
    d.press("Скрыть «Пароль»", ROLE_BUTTON)
    d.press("← К списку подключений", ROLE_BUTTON)
    d.node(args.name, ROLE_BUTTON, what=f"«{args.name}» в списке после карточки")
    report["card"] = True

    # The card of each other system (set up before the window started, with Ключник's own
    # commands): every action a clerk needs there, found and pressed through AT-SPI.
    if args.cards:
        for name, steps in CARDS:
            log(f"\nКарточка «{name}»")
            d.press(name, ROLE_BUTTON)
            d.node("Что сохранено", what=f"карточка «{name}»")
            d.survey()
            for kind, target in steps:
                if kind == "press":
                    d.press(target, ROLE_BUTTON)
                elif kind == "see":
                    _, role, shown = d.node(target, exact=False, what=f"«{target}»")
                    log(f"  видно: [{role_name(role)}] {shown}")
                elif kind == "button":
                    d.node(target, ROLE_BUTTON, what=f"кнопка «{target}»")
                    log(f"  есть кнопка: «{target}»")
            if not any(kind == "left" for kind, _ in steps):
                d.press("← К списку подключений", ROLE_BUTTON)
            d.node(name, ROLE_BUTTON, what=f"«{name}» в списке после карточки")
        report["cards"] = [name for name, _ in CARDS]

    # «Настройки»: the reminders switch is a check box a screen reader can find and press,
    # and the line under it says what is on now.
    log("\n«Настройки» → «Напоминать о сроках, даже когда Ключник закрыт»")
    d.press("Настройки", ROLE_BUTTON)
    switch = "Напоминать о сроках, даже когда Ключник закрыт"
    d.node("Напоминания выключены", exact=False, what="строка о том, что напоминания выключены")
    acc = d.press(switch, {pyatspi.ROLE_CHECK_BOX})
    _, _, said = d.node("Напоминания о сроках включены", exact=False, what="строка «…включены…»")
    log(f"  под флажком: «{said}»")
    d.wait("флажок отмечен", lambda _: has_state(d.node(switch, {pyatspi.ROLE_CHECK_BOX})[0],
                                                   pyatspi.STATE_CHECKED))
    d.survey()
    d.press("Закрыть", ROLE_BUTTON)
    report["reminders"] = said


# What is done on each seeded card (scripts/screenshot-seeds/card*/seed.sh): ("press", button),
# ("see", text), ("button", a button that must be there — one that opens a system file dialog
# is not pressed), ("left", _) when a press left the card for the list.
CARDS = [
    ("ELMA365 — обмен с 1С, склад", [
        ("press", "Показать «Токен»"), ("press", "Скрыть «Токен»"),
        ("press", "Копировать «Адрес компании в ELMA365»"), ("see", "Скопировано"),
        ("press", "Изменить"), ("button", "Сохранить изменения"), ("press", "Отмена"),
        ("button", "Обновить ключ"), ("button", "Удалить токен"), ("button", "Проверить"),
    ]),
    ("ЕИС — РИС управление образования", [
        ("see", "истекает через"), ("press", "Копировать «Идентификатор»"),
        ("see", "очистится через 30 секунд"),
        ("press", "Обновить ключ"), ("see", "Шаг 3 из 5"), ("press", "Отмена"), ("left", ""),
    ]),
    ("ЖК «Сосны», КПП 1", [
        ("see", "Въезд, шлагбаум"), ("button", "Сохранить SQL-скрипт…"),
        ("button", "Сохранить файл для разработчиков (CSV)…"),
        ("press", "Изменить"), ("see", "Направление, строка 2"), ("press", "Отмена"),
    ]),
    ("ПВЗ на Лесной, 5", [
        ("see", "Передан сотруднику ПВЗ — ждёт API-токен"),
        ("press", "Копировать сообщение"), ("see", "Сообщение скопировано"),
        ("button", "Сохранить файл для сотрудника…"),
        ("press", "Продолжить настройку"), ("see", "Шаг 3 из 4"), ("press", "Отмена"), ("left", ""),
    ]),
]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--flow-title", default="ЕИС → БФТ.Закупки: учётные записи для интеграции")
    p.add_argument("--name", required=True, help="название подключения")
    p.add_argument("--login", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--organization", default="ГБУ «Тестовая организация»")
    p.add_argument("--report", required=True, help="куда записать итог (JSON)")
    p.add_argument("--timeout", type=float, default=20, help="сколько ждать одного изменения, с")
    p.add_argument("--cards", action="store_true",
                   help="пройти и карточки других систем (заведены до запуска окна)")
    args = p.parse_args()

    d = Driver(args.timeout)
    report = {"ok": False, "listed": False, "problems": []}
    try:
        run(d, args, report)
    except Fail as e:
        report["problems"].append(str(e))
    except Exception as e:  # noqa: BLE001 — any AT-SPI error is a failure of the check
        report["problems"].append(f"{type(e).__name__}: {e}")

    if d.frame is not None:
        bad = d.latin()
        report["latin"] = [{"role": r, "name": n, "words": w} for r, n, w in bad]
        if bad:
            log("\nИмена с латиницей, не похожей на название продукта или системы:")
            for r, n, w in bad:
                log(f"  [{r}] «{n}» — слова: {w}")
            report["problems"].append(
                "английские слова в доступных именах: " + "; ".join(f"«{n}»" for _, n, _ in bad))
        else:
            log(f"\nЛатиница в доступных именах ({len(d.seen)} разных имён и описаний) — "
                "только названия продуктов и систем.")
    report["warnings"] = d.warnings
    for warning in d.warnings:
        log(f"ЗАМЕЧАНИЕ: {warning}")
    report["ok"] = report["listed"] and report.get("card", False) and not report["problems"]
    with open(args.report, "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=2)
    for problem in report["problems"]:
        log(f"ОШИБКА: {problem}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
