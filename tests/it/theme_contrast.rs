//! Contrast by construction (issue 13): every text/background pair the theme paints reaches
//! WCAG 2.1 AA (4.5:1), every control boundary 3:1, in both themes, computed from the visuals
//! the app really installs.

use egui::{Color32, Theme};
use klyuchnik::ui::kit::theme;

#[test]
fn wcag_contrast_matches_known_values() {
    assert!((theme::contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
    assert!((theme::contrast(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 0.001);
    // #767676 on white is the classic 4.54:1.
    let r = theme::contrast(Color32::from_gray(0x76), Color32::WHITE);
    assert!((r - 4.54).abs() < 0.01, "{r}");
    // What issue 13 measured before: an empty field #FFFFFF on #F8F8F8 is 1.06:1, hint
    // #888888 on #F8F8F8 about 3.3:1.
    let r = theme::contrast(Color32::WHITE, Color32::from_gray(0xF8));
    assert!((r - 1.06).abs() < 0.01, "{r}");
    let r = theme::contrast(Color32::from_gray(0x88), Color32::from_gray(0xF8));
    assert!((3.2..3.4).contains(&r), "{r}");
}

#[test]
fn every_pair_of_both_themes_is_legible() {
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    let mut report = Vec::new();
    let mut failed = Vec::new();
    for t in [Theme::Light, Theme::Dark] {
        let visuals = ctx.style_of(t).visuals.clone();
        assert_eq!(visuals.dark_mode, t == Theme::Dark);
        let pairs = theme::contrast_pairs(&visuals);
        assert!(pairs.len() >= 20);
        for (what, fg, bg, min) in pairs {
            let ratio = theme::contrast(fg, bg);
            report.push(format!("{t:?} {what}: {ratio:.2}"));
            if ratio < min {
                failed.push(format!("{t:?} {what}: {ratio:.2} < {min}"));
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn an_empty_field_and_a_checkbox_have_a_visible_outline() {
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    for t in [Theme::Light, Theme::Dark] {
        let v = ctx.style_of(t).visuals.clone();
        let outline = v.widgets.inactive.bg_stroke;
        assert!(outline.width >= 1.0, "{t:?}");
        assert!(theme::contrast(outline.color, v.panel_fill) >= theme::BOUNDARY_MIN);
        // The focus ring is thicker than the resting outline, so focus shows without colour.
        assert!(v.widgets.active.bg_stroke.width > outline.width, "{t:?}");
        assert!(v.selection.stroke.width > outline.width, "{t:?}");
    }
}
