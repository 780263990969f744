//! Characters that do not show on the screen. A value holding one looks like another value: six
//! rows that all read «ПВЗ 1», a token that is not the token it looks like, text that a
//! right-to-left mark turns around. They are found by their Unicode properties (the crates'
//! tables follow each Unicode release), not by a list of our own.

use unicode_properties::{EmojiStatus, GeneralCategory, UnicodeEmoji, UnicodeGeneralCategory};
use unicode_security::GeneralSecurityProfile;
use unicode_security::general_security_profile::IdentifierType;

/// What kind of character does not show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A line or paragraph break (U+000A, U+2028…): the value was two lines.
    LineBreak,
    /// Another control character (an escape sequence's U+001B among them).
    Control,
    /// A format character or a default-ignorable one: zero width, soft hyphen, direction
    /// marks and overrides, tags, variation selectors out of place.
    Invisible,
    /// A letter or symbol drawn as empty space (the Hangul fillers, the blank braille cell).
    Blank,
}

/// One character that does not show, with its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hidden {
    pub kind: Kind,
    pub char: char,
}

impl Hidden {
    /// The character in words with its code, for a message: «невидимый знак U+00AD».
    pub fn describe(self) -> String {
        let code = format!("U+{:04X}", u32::from(self.char));
        match self.kind {
            Kind::LineBreak => format!("перенос строки ({code})"),
            Kind::Control => format!("управляющий знак {code}"),
            Kind::Invisible => format!("невидимый знак {code}"),
            Kind::Blank => format!("знак {code}, который выглядит как пустое место"),
        }
    }
}

/// The braille pattern with no dots: a symbol (So) in no Unicode set of invisible characters,
/// yet drawn as a blank cell — the one such character that UTS #39 and the default-ignorable
/// set both leave out.
const BRAILLE_BLANK: char = '\u{2800}';

/// How `c` hides on its own, if it does.
fn kind(c: char) -> Option<Kind> {
    match c.general_category() {
        GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => {
            return Some(Kind::LineBreak);
        }
        GeneralCategory::Control if matches!(c, '\n' | '\r' | '\u{85}') => {
            return Some(Kind::LineBreak);
        }
        GeneralCategory::Control => return Some(Kind::Control),
        // Bidi controls (U+061C, U+200E, U+202A…U+202E, U+2066…U+2069) are all Cf.
        GeneralCategory::Format => return Some(Kind::Invisible),
        _ => {}
    }
    if c == BRAILLE_BLANK {
        return Some(Kind::Blank);
    }
    if c.identifier_type() == Some(IdentifierType::Default_Ignorable) {
        // U+115F, U+1160, U+3164, U+FFA0 are letters that draw nothing.
        return Some(if c.general_category() == GeneralCategory::OtherLetter {
            Kind::Blank
        } else {
            Kind::Invisible
        });
    }
    None
}

/// An emoji that stands on its own (not a digit, `#`, a skin tone or a regional letter).
fn pictograph(c: char) -> bool {
    c.is_emoji_char() && !c.is_emoji_component()
}

fn skin_tone(c: char) -> bool {
    matches!(
        c.emoji_status(),
        EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    )
}

/// Each character of `s` with how it hides there. The joiners of an emoji are not hidden where
/// they join one: the emoji presentation selector U+FE0F after an emoji (❤️) or before a keycap
/// (1️⃣), and the zero width joiner between two emoji (👩‍💻). Anywhere else they hide.
pub fn scan(s: &str) -> impl Iterator<Item = (char, Option<Kind>)> + '_ {
    let mut chars = s.chars().peekable();
    let mut after_emoji = false;
    std::iter::from_fn(move || {
        let c = chars.next()?;
        let next = chars.peek().copied();
        let joins = match c {
            '\u{FE0E}' | '\u{FE0F}' => after_emoji || next == Some('\u{20E3}'),
            '\u{200D}' => after_emoji && next.is_some_and(pictograph),
            _ => false,
        };
        after_emoji = match c {
            '\u{FE0E}' | '\u{FE0F}' => after_emoji,
            c if skin_tone(c) => after_emoji,
            c => pictograph(c),
        };
        Some((c, if joins { None } else { kind(c) }))
    })
}

/// The first character of `s` that does not show, if any.
pub fn first_hidden(s: &str) -> Option<Hidden> {
    scan(s).find_map(|(char, kind)| kind.map(|kind| Hidden { kind, char }))
}

/// `s` with every character that does not show replaced by «�»: a name fit for a message or
/// a terminal.
pub fn mark_hidden(s: &str) -> String {
    scan(s)
        .map(|(c, kind)| if kind.is_some() { '\u{FFFD}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each one was taken into a name before (issue 29, B5), and the window showed rows that
    /// all looked like «ПВЗ 1».
    const REPORTED: [char; 14] = [
        '\u{00AD}',
        '\u{034F}',
        '\u{061C}',
        '\u{3164}',
        '\u{115F}',
        '\u{180E}',
        '\u{2800}',
        '\u{FE0F}',
        '\u{E0001}',
        '\u{E0041}',
        '\u{E007F}',
        '\u{1D173}',
        '\u{2028}',
        '\u{2029}',
    ];

    #[test]
    fn every_reported_character_is_found_wherever_it_stands() {
        for c in REPORTED {
            for name in [
                format!("ПВЗ 1{c}"),
                format!("{c}ПВЗ 1"),
                format!("ПВЗ{c} 1"),
                format!("ПВЗ {c}1"),
            ] {
                let found = first_hidden(&name).unwrap_or_else(|| panic!("{name:?}"));
                assert_eq!(found.char, c, "{name:?}");
                assert!(
                    found
                        .describe()
                        .contains(&format!("U+{:04X}", u32::from(c))),
                    "{}",
                    found.describe()
                );
                assert!(mark_hidden(&name).contains('\u{FFFD}'));
            }
        }
        assert_eq!(
            first_hidden("ПВЗ\u{3164}1")
                .map(Hidden::describe)
                .as_deref(),
            Some("знак U+3164, который выглядит как пустое место")
        );
        assert_eq!(
            first_hidden("a\u{2029}b").map(|h| h.kind),
            Some(Kind::LineBreak)
        );
        assert_eq!(
            first_hidden("a\u{1b}[31m").map(|h| h.kind),
            Some(Kind::Control)
        );
    }

    #[test]
    fn ordinary_names_and_emoji_pass() {
        for name in [
            "ПВЗ 1",
            "Ёлки-палки, ул. Лесная, д. 5/2 (склад №3)",
            "ELMA365 — 1С: «Бухгалтерия»",
            "ПВЗ 🚚 Лесная",
            "❤️ Любимый ПВЗ",
            "Сервер ☁️",
            "Команда 👩‍💻 и 👍🏽",
            "Номер 1️⃣",
            "Tab-free 'quotes' \"double\" & <angle>",
            "пробел\u{00A0}неразрывный",
        ] {
            assert_eq!(first_hidden(name), None, "{name:?}");
            assert_eq!(mark_hidden(name), name);
        }
    }

    #[test]
    fn joiners_out_of_place_hide() {
        // A selector after a letter or a digit, a joiner between letters or at the end.
        for name in [
            "ПВЗ 1\u{FE0F}",
            "ПВЗ\u{FE0F} 1",
            "П\u{200D}ВЗ",
            "🚚\u{200D}",
            "\u{FE0F}🚚",
        ] {
            assert!(first_hidden(name).is_some(), "{name:?}");
        }
    }
}
