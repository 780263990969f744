//! One place for how things look and behave everywhere: design tokens, widget helpers, the
//! system clipboard.

pub mod clipboard;
pub mod theme;
pub mod widgets;
