//! The command line's words: commands, options and their Russian help.

use std::path::PathBuf;

use clap::{ArgAction, Parser, Subcommand};

const HELP: &str = "\
{about}

Использование: {usage}

Команды:
{subcommands}

Параметры:
{options}
{after-help}";

const SUB_HELP: &str = "\
{about}

Использование: {usage}

Аргументы и параметры:
{positionals}
{options}
{after-help}";

/// Без команды открывается окно программы.
#[derive(Debug, Parser)]
#[command(
    name = "klyuchnik",
    version,
    about = "Ключник: ключи интеграции между деловыми системами — список, проверка, добавление без окна.",
    after_help = "Без команды открывается окно. Папка данных — KLYUCHNIK_HOME или папка настроек пользователя.\n\
                  Коды выхода: 0 — всё в порядке, 1 — что-то требует внимания, 2 — ошибка в параметрах.",
    help_template = HELP,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
    /// Показать эту справку
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Показать версию
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// Список сохранённых подключений
    #[command(help_template = SUB_HELP)]
    List {
        /// Вывести в JSON
        #[arg(long)]
        json: bool,
    },
    /// Проверить подключения онлайн и по сроку действия (код 1 — если что-то требует внимания)
    #[command(help_template = SUB_HELP)]
    Check {
        /// Вывести в JSON
        #[arg(long)]
        json: bool,
        /// Показать уведомление о сроках: за 30, 7 и 1 день и после истечения, по разу
        #[arg(long)]
        notify: bool,
        /// Названия подключений; без них — все
        #[arg(value_name = "НАЗВАНИЕ")]
        names: Vec<String>,
    },
    /// Создать подключение без окна; значения секретов читаются со стандартного ввода
    #[command(
        help_template = SUB_HELP,
        after_help = "Мастера: elma365, vision-ellcom, eis-token, ivideon-pass24, eis-bft.\n\
                      Пример: echo \"$TOKEN\" | klyuchnik add elma365 --name \"ELMA365 — 1С\" --set address=acme --secret token"
    )]
    Add {
        /// Мастер (система)
        #[arg(value_name = "МАСТЕР")]
        flow: String,
        /// Название подключения
        #[arg(long, value_name = "НАЗВАНИЕ")]
        name: String,
        /// Значение поля; можно повторять
        #[arg(long = "set", value_name = "ПОЛЕ=ЗНАЧЕНИЕ")]
        set: Vec<String>,
        /// Секретное поле: его значение — следующая строка стандартного ввода; можно повторять
        #[arg(long = "secret", value_name = "ПОЛЕ")]
        secret: Vec<String>,
    },
    /// Показать подключение: поля, секреты (без значений), проверки, срок
    #[command(help_template = SUB_HELP)]
    Show {
        #[arg(value_name = "НАЗВАНИЕ")]
        name: String,
        /// Вывести в JSON
        #[arg(long)]
        json: bool,
        /// Вывести значение одного секрета на стандартный вывод (с предупреждением)
        #[arg(long, value_name = "ПОЛЕ")]
        reveal: Option<String>,
    },
    /// Исправить поля подключения по тем же правилам, что в мастере
    #[command(help_template = SUB_HELP)]
    Set {
        #[arg(value_name = "НАЗВАНИЕ")]
        name: String,
        /// Новое значение поля; можно несколько
        #[arg(value_name = "ПОЛЕ=ЗНАЧЕНИЕ", required = true)]
        values: Vec<String>,
    },
    /// Заменить секрет подключения; новое значение читается со стандартного ввода
    #[command(help_template = SUB_HELP)]
    Secret {
        #[arg(value_name = "НАЗВАНИЕ")]
        name: String,
        #[arg(value_name = "ПОЛЕ")]
        field: String,
    },
    /// Обновить ключ: новый секрет (со стандартного ввода) и, если у ключа есть срок, новый срок
    #[command(
        help_template = SUB_HELP,
        after_help = "Пример: klyuchnik renew \"ЕИС — РИС\" --secret identifier --set expires=31.12.2027 < id.txt"
    )]
    Renew {
        #[arg(value_name = "НАЗВАНИЕ")]
        name: String,
        /// Секретное поле: его новое значение — следующая строка стандартного ввода
        #[arg(long = "secret", value_name = "ПОЛЕ", required = true)]
        secret: Vec<String>,
        /// Новое значение поля (срок действия); можно повторять
        #[arg(long = "set", value_name = "ПОЛЕ=ЗНАЧЕНИЕ")]
        set: Vec<String>,
    },
    /// Удалить подключение и его секреты из хранилища паролей
    #[command(help_template = SUB_HELP)]
    Remove {
        #[arg(value_name = "НАЗВАНИЕ")]
        name: String,
    },
    /// Хранилище команды (OpenBao): login — войти (пароль со стандартного ввода, или --oidc — через браузер), logout — выйти, status — состояние
    #[command(help_template = SUB_HELP)]
    Team {
        #[arg(value_name = "login|logout|status", value_parser = ["login", "logout", "status"])]
        action: String,
        /// Адрес сервера (несколько узлов — через запятую), для login
        #[arg(long, value_name = "АДРЕС")]
        addr: Option<String>,
        /// Команда (папка в хранилище), для login
        #[arg(long, value_name = "КОМАНДА")]
        team: Option<String>,
        /// Логин, для login
        #[arg(long, value_name = "ЛОГИН")]
        user: Option<String>,
        /// Войти через браузер (единый вход организации, OIDC) вместо логина и пароля
        #[arg(long)]
        oidc: bool,
        /// Раздел KV в хранилище
        #[arg(long, value_name = "РАЗДЕЛ", default_value = "klyuchnik")]
        mount: String,
    },
    /// Напоминания о сроках, когда Ключник закрыт: on — включить, off — выключить, status — состояние
    #[command(help_template = SUB_HELP)]
    Reminders {
        #[arg(value_name = "on|off|status", value_parser = ["on", "off", "status"])]
        action: String,
    },
    /// Показывает одно уведомление и ждёт щелчка по нему (его запускает `check --notify`)
    #[command(hide = true)]
    Notification {
        #[arg(long)]
        title: String,
        #[arg(long)]
        body: String,
        #[arg(long)]
        urgent: bool,
        /// Подключение, на котором открыть окно после щелчка
        #[arg(long)]
        open: Option<String>,
    },
    /// Найти в хранилище паролей записи Ключника без подключения (после сбоев и старых версий)
    #[command(help_template = SUB_HELP)]
    Doctor {
        /// Удалить найденные записи
        #[arg(long)]
        fix: bool,
    },
    /// Выгрузить подключения в файл JSON (без секретов)
    #[command(help_template = SUB_HELP)]
    Export {
        #[arg(value_name = "ФАЙЛ")]
        file: PathBuf,
        /// Заменить файл, если он уже есть
        #[arg(long)]
        force: bool,
    },
    /// Загрузить подключения из файла выгрузки; существующие не перезаписываются
    #[command(help_template = SUB_HELP)]
    Import {
        #[arg(value_name = "ФАЙЛ")]
        file: PathBuf,
    },
    /// Открыть окно на подключении или с файлом выгрузки (так открывает окно щелчок по напоминанию)
    #[command(
        help_template = SUB_HELP,
        after_help = "Пример: klyuchnik open \"ЕИС — РИС\" или klyuchnik open подключения.json"
    )]
    Open {
        /// Сразу к обновлению ключа этого подключения
        #[arg(long)]
        renew: bool,
        /// Название или код подключения, или файл выгрузки
        #[arg(value_name = "ПОДКЛЮЧЕНИЕ|ФАЙЛ")]
        target: Option<String>,
    },
}
