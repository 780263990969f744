//! Design tokens: sizes, spacing and colours. Nothing else in the UI hard-codes them.

use egui::{Color32, FontFamily, FontId, Stroke, TextStyle, Theme, ThemePreference, Vec2};

/// Body text size: readable on a 1366×768 office screen at 100 % scaling.
pub const BODY: f32 = 16.0;
pub const HEADING: f32 = 22.0;
pub const SMALL: f32 = 13.5;
pub const BUTTON: f32 = 16.0;

/// Width of text fields on wizard pages.
pub const FIELD_WIDTH: f32 = 440.0;
/// Width of the step list beside a wizard page.
pub const STEP_LIST_WIDTH: f32 = 240.0;
/// A page narrower than this hides the step list («Шаг N из M» stays in the top bar).
pub const STEP_LIST_FROM: f32 = 980.0;
/// Most text lines are kept to this width so they stay easy to read.
pub const TEXT_WIDTH: f32 = 720.0;
pub const ROW_HEIGHT: f32 = 34.0;

pub const GAP: f32 = 12.0;
pub const SECTION_GAP: f32 = 20.0;

/// Default window size and the smallest one that still fits every page: 1366×768 at 150 %
/// (911×512 points) less a taskbar; `tests/ui_fit.rs` lays out every screen at this size.
pub const WINDOW_SIZE: Vec2 = Vec2::new(1120.0, 720.0);
pub const MIN_WINDOW_SIZE: Vec2 = Vec2::new(900.0, 480.0);

/// Symbols egui's bundled fonts lack (→ ✔ ⚠ …), as a fallback; see assets/fonts/README.md.
static SYMBOLS: &[u8] = include_bytes!("../../../assets/fonts/symbols.ttf");

/// Light by default; follows the system theme where the system says. Fonts take effect
/// from the next frame.
pub fn apply(ctx: &egui::Context) {
    apply_scaled(ctx, crate::platform::window::text_scale());
}

/// [`apply`] with the system's text size setting given: font sizes are multiplied by it.
pub fn apply_scaled(ctx: &egui::Context, text_scale: f32) {
    let families = [FontFamily::Proportional, FontFamily::Monospace]
        .into_iter()
        .map(|family| egui::epaint::text::InsertFontFamily {
            family,
            priority: egui::epaint::text::FontPriority::Lowest,
        })
        .collect();
    ctx.add_font(egui::epaint::text::FontInsert::new(
        "klyuchnik-symbols",
        egui::FontData::from_static(SYMBOLS),
        families,
    ));
    ctx.options_mut(|o| {
        o.theme_preference = ThemePreference::System;
        o.fallback_theme = Theme::Light;
    });
    ctx.set_visuals_of(Theme::Light, visuals(false));
    ctx.set_visuals_of(Theme::Dark, visuals(true));
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(HEADING * text_scale, FontFamily::Proportional),
            ),
            (
                TextStyle::Body,
                FontId::new(BODY * text_scale, FontFamily::Proportional),
            ),
            (
                TextStyle::Button,
                FontId::new(BUTTON * text_scale, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(SMALL * text_scale, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new((BODY - 1.0) * text_scale, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = Vec2::new(8.0, 8.0);
        style.spacing.button_padding = Vec2::new(12.0, 6.0);
        style.spacing.interact_size.y = 30.0;
        // Scroll bars that are always there when there is more below: egui's default floating
        // bar shows only under the mouse, and a card cut at the window's edge looked like the end.
        style.spacing.scroll = egui::style::ScrollStyle::solid();
    });
}

/// The window's background, painted as the frame's clear colour (see [`central_panel`]).
pub fn clear_color(visuals: &egui::Visuals) -> [f32; 4] {
    visuals.panel_fill.to_normalized_gamma_f32()
}

/// A central panel with the usual margins and no fill of its own: the background is the clear
/// colour. A full-window fill is nearly free on a GPU but costs a software renderer (RDP, VMs
/// without a GPU) tens of milliseconds a frame; measured with scripts/bench.sh.
pub fn central_panel(style: &egui::Style) -> egui::CentralPanel {
    egui::CentralPanel::default_margins()
        .frame(egui::Frame::central_panel(style).fill(Color32::TRANSPARENT))
}

/// A top, bottom or side panel without a fill of its own, for the same reason.
pub fn edge_panel(panel: egui::Panel, style: &egui::Style) -> egui::Panel {
    panel.frame(egui::Frame::side_top_panel(style).fill(Color32::TRANSPARENT))
}

/// Semantic colours, readable on both themes: every text colour keeps 4.5:1 and every control
/// boundary 3:1 against the surface it sits on (WCAG 2.1 SC 1.4.3 and 1.4.11); the test
/// `theme_contrast` computes each pair from [`contrast_pairs`].
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub ok: Color32,
    pub warn: Color32,
    pub error: Color32,
    pub muted: Color32,
    pub warn_fill: Color32,
    pub accent: Color32,
    /// Body text.
    pub text: Color32,
    /// The window background.
    pub surface: Color32,
    /// Inside text fields and checkboxes.
    pub field: Color32,
    /// Button background.
    pub button: Color32,
    /// The outline of every control: text field, checkbox, button, combo box.
    pub boundary: Color32,
    /// Text on the accent colour (the primary button).
    pub on_accent: Color32,
}

pub fn palette(dark: bool) -> Palette {
    if dark {
        Palette {
            ok: Color32::from_rgb(110, 200, 120),
            warn: Color32::from_rgb(240, 190, 90),
            error: Color32::from_rgb(255, 130, 120),
            muted: Color32::from_gray(170),
            warn_fill: Color32::from_rgb(70, 55, 20),
            accent: Color32::from_rgb(120, 175, 255),
            text: Color32::from_gray(225),
            surface: Color32::from_gray(27),
            field: Color32::from_gray(12),
            button: Color32::from_gray(60),
            boundary: Color32::from_gray(135),
            on_accent: Color32::from_gray(10),
        }
    } else {
        Palette {
            ok: Color32::from_rgb(20, 120, 40),
            warn: Color32::from_rgb(140, 80, 0),
            error: Color32::from_rgb(185, 25, 25),
            muted: Color32::from_gray(90),
            warn_fill: Color32::from_rgb(255, 243, 205),
            accent: Color32::from_rgb(25, 90, 200),
            text: Color32::from_gray(40),
            surface: Color32::from_gray(248),
            field: Color32::WHITE,
            button: Color32::from_gray(232),
            boundary: Color32::from_gray(118),
            on_accent: Color32::WHITE,
        }
    }
}

/// egui's visuals with the palette's colours: fields and checkboxes have a visible outline
/// even when empty and unfocused, focus is a 2-point accent ring, hints and links are dark
/// enough to read.
pub fn visuals(dark: bool) -> egui::Visuals {
    let p = palette(dark);
    let mut v = if dark {
        egui::Visuals::dark()
    } else {
        egui::Visuals::light()
    };
    v.panel_fill = p.surface;
    v.window_fill = p.surface;
    v.window_stroke = Stroke::new(1.0, p.boundary);
    v.extreme_bg_color = p.field;
    v.text_edit_bg_color = Some(p.field);
    v.hyperlink_color = p.accent;
    v.weak_text_color = Some(p.muted);
    v.warn_fg_color = p.warn;
    v.error_fg_color = p.error;
    // Disabled controls stay readable (WCAG exempts them, but a clerk still has to read them).
    v.disabled_alpha = 0.75;
    v.selection.stroke = Stroke::new(2.0, p.accent);
    v.widgets.noninteractive.fg_stroke.color = p.text;
    v.widgets.noninteractive.bg_fill = p.surface;
    v.widgets.noninteractive.weak_bg_fill = p.surface;
    v.widgets.noninteractive.bg_stroke = Stroke::new(1.0, p.boundary);
    for w in [
        &mut v.widgets.inactive,
        &mut v.widgets.hovered,
        &mut v.widgets.open,
    ] {
        w.bg_stroke = Stroke::new(1.0, p.boundary);
        w.fg_stroke.color = p.text;
    }
    v.widgets.inactive.bg_fill = p.field;
    v.widgets.inactive.weak_bg_fill = p.button;
    v.widgets.hovered.bg_stroke = Stroke::new(1.5, p.text);
    // Pressed or focused by the keyboard: the focus ring.
    v.widgets.active.bg_stroke = Stroke::new(2.0, p.accent);
    v
}

/// WCAG 2.1 contrast ratio of two opaque colours (1.0 to 21.0).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    fn luminance(c: Color32) -> f32 {
        let lin = |v: u8| {
            let s = f32::from(v) / 255.0;
            if s <= 0.040_45 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// A colour drawn with alpha over an opaque background, as the screen shows it.
pub fn over(fg: Color32, bg: Color32) -> Color32 {
    bg.blend(fg)
}

/// Text sits on a surface and must reach 4.5:1; a control's outline must reach 3:1.
pub const TEXT_MIN: f32 = 4.5;
pub const BOUNDARY_MIN: f32 = 3.0;

/// Every foreground/background pair the app paints, with the ratio it must reach.
pub fn contrast_pairs(v: &egui::Visuals) -> Vec<(&'static str, Color32, Color32, f32)> {
    let p = palette(v.dark_mode);
    let surface = v.panel_fill;
    let text = v.text_color();
    let button_text = v.widgets.inactive.fg_stroke.color;
    let disabled = over(v.disable(button_text), v.widgets.inactive.weak_bg_fill);
    vec![
        ("body text", text, surface, TEXT_MIN),
        ("text in a field", text, v.text_edit_bg_color(), TEXT_MIN),
        ("hint", v.weak_text_color(), surface, TEXT_MIN),
        (
            "placeholder",
            v.weak_text_color(),
            v.text_edit_bg_color(),
            TEXT_MIN,
        ),
        (
            "button text",
            button_text,
            v.widgets.inactive.weak_bg_fill,
            TEXT_MIN,
        ),
        (
            "disabled button text",
            disabled,
            v.widgets.inactive.weak_bg_fill,
            TEXT_MIN,
        ),
        ("link", v.hyperlink_color, surface, TEXT_MIN),
        ("ok", p.ok, surface, TEXT_MIN),
        ("warning text", p.warn, surface, TEXT_MIN),
        ("error", p.error, surface, TEXT_MIN),
        ("muted note", p.muted, surface, TEXT_MIN),
        ("text in a warning box", text, p.warn_fill, TEXT_MIN),
        ("primary button text", p.on_accent, p.accent, TEXT_MIN),
        ("role line", p.accent, surface, TEXT_MIN),
        (
            "field outline",
            v.widgets.inactive.bg_stroke.color,
            surface,
            BOUNDARY_MIN,
        ),
        (
            "field outline inside",
            v.widgets.inactive.bg_stroke.color,
            v.text_edit_bg_color(),
            BOUNDARY_MIN,
        ),
        (
            "checkbox outline",
            v.widgets.inactive.bg_stroke.color,
            surface,
            BOUNDARY_MIN,
        ),
        (
            "button outline",
            v.widgets.inactive.bg_stroke.color,
            surface,
            BOUNDARY_MIN,
        ),
        (
            "combo box outline",
            v.widgets.inactive.bg_stroke.color,
            surface,
            BOUNDARY_MIN,
        ),
        (
            "hovered outline",
            v.widgets.hovered.bg_stroke.color,
            surface,
            BOUNDARY_MIN,
        ),
        (
            "focus ring",
            v.widgets.active.bg_stroke.color,
            surface,
            BOUNDARY_MIN,
        ),
        (
            "focused field outline",
            v.selection.stroke.color,
            v.text_edit_bg_color(),
            BOUNDARY_MIN,
        ),
        ("primary button", p.accent, surface, BOUNDARY_MIN),
        ("warning box outline", p.warn, surface, BOUNDARY_MIN),
    ]
}
