"""Themes: Textual's own, plus a high-contrast one; the choice is remembered in settings.json."""

from __future__ import annotations

from textual.theme import BUILTIN_THEMES, Theme

DEFAULT_THEME = "textual-dark"

HIGH_CONTRAST = Theme(
    name="high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFFF00",
    error="#FF6060",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    boost="#303030",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "text-muted": "#D0D0D0",
        "text-disabled": "#B0B0B0",
        "border": "#FFFFFF",
        "border-blurred": "#C0C0C0",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#808000",
        "block-cursor-blurred-foreground": "#FFFFFF",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "footer-background": "#000000",
        "input-cursor-background": "#FFFF00",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#0000C0",
        "scrollbar": "#FFFFFF",
        "scrollbar-background": "#303030",
    },
)

OUR_THEMES = (HIGH_CONTRAST,)


def theme_names() -> list[str]:
    """Every theme `--theme` accepts, ours first."""
    return [t.name for t in OUR_THEMES] + sorted(BUILTIN_THEMES)


def check_theme(name: str) -> str:
    """The theme's name, or ValueError with the names to choose from."""
    if name not in theme_names():
        raise ValueError(f"no theme called {name!r}; choose one of: {', '.join(theme_names())}")
    return name
