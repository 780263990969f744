//! Design tokens: sizes, spacing and colours. Nothing else in the UI hard-codes them.

use egui::{Color32, FontFamily, FontId, TextStyle, Theme, ThemePreference, Vec2};

/// Body text size: readable on a 1366×768 office screen at 100 % scaling.
pub const BODY: f32 = 16.0;
pub const HEADING: f32 = 22.0;
pub const SMALL: f32 = 13.5;
pub const BUTTON: f32 = 16.0;

/// Width of text fields on wizard pages.
pub const FIELD_WIDTH: f32 = 440.0;
/// Width of the step list beside a wizard page.
pub const STEP_LIST_WIDTH: f32 = 240.0;
/// Most text lines are kept to this width so they stay easy to read.
pub const TEXT_WIDTH: f32 = 720.0;
pub const ROW_HEIGHT: f32 = 34.0;

pub const GAP: f32 = 12.0;
pub const SECTION_GAP: f32 = 20.0;

/// Default window size and the smallest one that still fits every page.
pub const WINDOW_SIZE: Vec2 = Vec2::new(1120.0, 720.0);
pub const MIN_WINDOW_SIZE: Vec2 = Vec2::new(820.0, 560.0);

/// Symbols egui's bundled fonts lack (→ ✔ ⚠ …), as a fallback; see assets/fonts/README.md.
static SYMBOLS: &[u8] = include_bytes!("../../assets/fonts/symbols.ttf");

/// Light by default; follows the system theme where the system says. Fonts take effect
/// from the next frame.
pub fn apply(ctx: &egui::Context) {
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
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(HEADING, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(BODY, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(BUTTON, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(SMALL, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(BODY - 1.0, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = Vec2::new(8.0, 8.0);
        style.spacing.button_padding = Vec2::new(12.0, 6.0);
        style.spacing.interact_size.y = 30.0;
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

/// Semantic colours, readable on both themes.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub ok: Color32,
    pub warn: Color32,
    pub error: Color32,
    pub muted: Color32,
    pub warn_fill: Color32,
    pub accent: Color32,
}

pub fn palette(dark: bool) -> Palette {
    if dark {
        Palette {
            ok: Color32::from_rgb(110, 200, 120),
            warn: Color32::from_rgb(240, 190, 90),
            error: Color32::from_rgb(255, 120, 110),
            muted: Color32::from_gray(160),
            warn_fill: Color32::from_rgb(70, 55, 20),
            accent: Color32::from_rgb(110, 170, 255),
        }
    } else {
        Palette {
            ok: Color32::from_rgb(20, 120, 40),
            warn: Color32::from_rgb(150, 90, 0),
            error: Color32::from_rgb(190, 30, 30),
            muted: Color32::from_gray(95),
            warn_fill: Color32::from_rgb(255, 243, 205),
            accent: Color32::from_rgb(25, 90, 200),
        }
    }
}
