// Endpoints as terminal hyperlinks (OSC 8), where the terminal draws them: a TTY that is not
// `dumb`, outside CI, unless FORCE_HYPERLINK says otherwise (0 off, 1 on). Terminals without
// support show the text alone, but some print the escape bytes, hence the conservative default.

export function hyperlinksOn(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined> = process.env,
): boolean {
  if (env.FORCE_HYPERLINK !== undefined) return env.FORCE_HYPERLINK !== "0";
  if (!stream.isTTY || env.CI || env.TERM === "dumb" || env.NO_COLOR !== undefined) return false;
  // Terminals known to draw OSC 8 links (iTerm2, WezTerm, VS Code, Windows Terminal, VTE, kitty,
  // Alacritty, foot, Ghostty); tmux passes them on from 3.4.
  return Boolean(
    env.WT_SESSION ||
    env.VTE_VERSION ||
    env.KITTY_WINDOW_ID ||
    env.WEZTERM_EXECUTABLE ||
    ["iTerm.app", "vscode", "WezTerm", "ghostty", "tmux"].includes(env.TERM_PROGRAM ?? "") ||
    /^(xterm-kitty|alacritty|foot|xterm-ghostty)/.test(env.TERM ?? ""),
  );
}

/** `text` linking to `url` when `on`, else `text` unchanged. */
export function hyperlink(url: string, text = url, on = hyperlinksOn(process.stdout)): string {
  return on && /^https?:\/\//.test(url) ? `\u001b]8;;${url}\u001b\\${text}\u001b]8;;\u001b\\` : text;
}

/** Every http(s) URL in `text` as a hyperlink (when on). */
export function linkUrls(text: string, on = hyperlinksOn(process.stdout)): string {
  return on ? text.replace(/https?:\/\/[^\s"')]+/g, (u) => hyperlink(u, u, true)) : text;
}
