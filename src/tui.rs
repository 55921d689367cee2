//! The session: a full-screen terminal UI for working through the queue.
//! State and `update` live in `app`, drawing in `view` (pure), keys in
//! `keymap`, the reply editor in `editor`; this file is the loop that ties
//! them to a real terminal and carries out effects (clipboard, browser,
//! `$EDITOR`). The terminal is restored on quit, on error, on panic
//! (`ratatui::init` installs the hook) and on SIGTERM/SIGHUP.

pub mod app;
pub mod editor;
pub mod keymap;
pub mod layout;
pub mod timer;
pub mod view;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow};
use base64::Engine as _;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
};

use crate::budget::Reading;
use crate::clock::Clock;
use crate::config::Config;
use crate::store::Store;
use app::{App, Effect, Event};
use keymap::Keymap;

/// How long a session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Until the user quits (or a signal or hang-up ends it).
    Quit,
    /// Until the first frame is drawn; then it ends writing nothing. A
    /// benchmarking aid (`tend --exit-after-first-frame`): the time from
    /// process start to exit bounds the time to the first frame.
    FirstFrame,
}

/// Runs a session until the user quits; returns the summary to print after.
pub fn run(store: Store, config: Config, clock: &dyn Clock, until: Until) -> Result<String> {
    let keymap = Keymap::with_overrides(
        config
            .keys
            .0
            .iter()
            .map(|(key, action)| (key.as_str(), action.as_str())),
    )
    .map_err(|why| anyhow!("[keys]: {why}"))?;
    let stop = Arc::new(AtomicBool::new(false));
    // Each ends the session the same way as `q`: draft and time written.
    for signal in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGQUIT,
    ] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).context("watching for signals")?;
    }
    let mut terminal = ratatui::init();
    // ratatui's hook leaves raw mode and the alternate screen; mouse capture
    // and bracketed paste must be switched off too, or the shell fills with
    // escape codes after a panic.
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        ratatui_hook(info);
    }));
    let mut unsaved = None;
    let result = (|| {
        execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
        let size = terminal.size()?;
        let mut app = App::new(
            store,
            config,
            keymap,
            reading(clock),
            clock.zone(),
            (size.width, size.height),
        )?;
        let outcome = session(&mut terminal, &mut app, clock, &stop, until);
        if until == Until::FirstFrame {
            // Nothing was typed; the milliseconds shown are not the user's time.
            return outcome.map(|()| String::new());
        }
        // Whatever ended the session, what was typed and the time counted
        // are written first.
        let finished = app.finish(reading(clock));
        if finished.is_err() {
            unsaved = app.unsaved_draft();
        }
        outcome?;
        finished?;
        Ok(app.summary())
    })();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste
    );
    ratatui::restore();
    // The store would not take the reply being typed (a full disk): it goes
    // to the terminal, the one place left, rather than nowhere.
    if let Some(draft) = unsaved {
        let _ = writeln!(
            std::io::stderr(),
            "tend: the reply you were typing could not be saved; here it is:\n\n{draft}\n"
        );
    }
    result
}

fn session(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    clock: &dyn Clock,
    stop: &AtomicBool,
    until: Until,
) -> Result<()> {
    let tty = Tty::open();
    loop {
        report(app, Event::Tick(reading(clock)));
        execute!(std::io::stdout(), BeginSynchronizedUpdate)?;
        terminal.draw(|frame| view::draw(frame, app))?;
        execute!(std::io::stdout(), EndSynchronizedUpdate)?;
        if app.quit || stop.load(Ordering::Relaxed) || until == Until::FirstFrame {
            return Ok(());
        }
        // Wait for input (or a second, for the clock) ourselves: when the
        // terminal goes away, crossterm's poll spins on end-of-file and never
        // returns, leaving a process burning a core with the store open.
        if tty.hung_up_after_wait(Duration::from_secs(1)) {
            return Ok(());
        }
        // Handle everything crossterm has (a read may bring several events),
        // after input and after a wait too: a resize comes as a signal that
        // ends the wait, and its event must be handled before the keys that
        // follow it, which would otherwise meet the old size.
        while event::poll(Duration::ZERO)? {
            let incoming = match event::read()? {
                event::Event::Key(key) => Event::Key(key),
                event::Event::Paste(text) => Event::Paste(text),
                event::Event::Mouse(mouse) => Event::Mouse(mouse),
                event::Event::Resize(width, height) => Event::Resize(width, height),
                _ => continue,
            };
            report(app, Event::Tick(reading(clock)));
            for effect in report(app, incoming) {
                carry_out(effect, app, terminal, clock);
            }
        }
    }
}

fn reading(clock: &dyn Clock) -> Reading {
    Reading::new(clock.now(), clock.monotonic())
}

/// The controlling terminal, watched for input and for hang-up.
struct Tty(Option<std::fs::File>);

impl Tty {
    fn open() -> Tty {
        Tty(std::fs::File::open("/dev/tty").ok())
    }

    /// Waits for input, a signal or `timeout`; whether the terminal hung up.
    fn hung_up_after_wait(&self, timeout: Duration) -> bool {
        use rustix::event::{PollFd, PollFlags, Timespec};
        let stdin = std::io::stdin();
        let mut fds = match &self.0 {
            Some(tty) => [PollFd::new(tty, PollFlags::IN)],
            None => [PollFd::new(&stdin, PollFlags::IN)],
        };
        let timeout = Timespec {
            tv_sec: timeout.as_secs().try_into().unwrap_or(1),
            tv_nsec: 0,
        };
        // Nothing within the timeout, or interrupted by a signal, is no
        // hang-up: the loop looks at the stop flag and the events.
        matches!(rustix::event::poll(&mut fds, Some(&timeout)), Ok(ready) if ready > 0)
            && fds[0]
                .revents()
                .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
    }
}

/// Updates the app; a failure (a full disk, a locked store) is shown in the
/// status bar and the session goes on, with whatever was typed still there.
fn report(app: &mut App, event: Event) -> Vec<Effect> {
    app.update(event).unwrap_or_else(|err| {
        let why = match crate::store::explain_failure(app.store_path(), &err) {
            Some(failure) => failure.to_string(),
            None => format!("{err:#}"),
        };
        app.status = Some(format!("Not saved: {}", why.replace('\n', " ")));
        Vec::new()
    })
}

fn carry_out(
    effect: Effect,
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    clock: &dyn Clock,
) {
    match effect {
        Effect::Copy(text) => {
            // OSC 52: the terminal puts it on the clipboard, also over SSH.
            let encoded = base64::engine::general_purpose::STANDARD.encode(text);
            let mut out = std::io::stdout();
            if let Err(err) = write!(out, "\x1b]52;c;{encoded}\x07").and_then(|()| out.flush()) {
                app.status = Some(format!("Could not copy: {err}"));
            }
        }
        Effect::OpenUrl(url) => {
            app.status = Some(match open_url(&url) {
                Ok(()) => "Opened in the browser.".into(),
                Err(err) => format!("Could not open the link: {err:#}"),
            });
        }
        Effect::EditExternally(text) => {
            let edited = edit_externally(&text, terminal);
            report(app, Event::Tick(reading(clock)));
            report(app, Event::Resumed);
            match edited {
                Ok(edited) => {
                    report(app, Event::Edited(edited));
                }
                Err(err) => app.status = Some(format!("The editor did not run: {err:#}")),
            }
        }
        Effect::Suspend => {
            let suspended = suspend(terminal);
            report(app, Event::Tick(reading(clock)));
            report(app, Event::Resumed);
            if let Err(err) = suspended {
                app.status = Some(format!("Could not suspend: {err:#}"));
            }
        }
    }
}

/// Gives the terminal back as the shell left it (the session's screen,
/// raw mode, mouse and paste modes off).
fn leave_screen() {
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
    let _ = ratatui::crossterm::terminal::disable_raw_mode();
}

/// Takes the terminal back for the session and redraws it whole.
fn enter_screen(terminal: &mut ratatui::DefaultTerminal) -> Result<()> {
    ratatui::crossterm::terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    terminal.clear()?;
    Ok(())
}

/// `Ctrl-Z`: stops the way the shell expects, with the terminal restored
/// first; `fg` continues here. The signal goes to the whole foreground
/// process group, as the terminal would send it: a wrapper (`cargo run`, a
/// script) stops too, or the shell would never get the terminal back.
fn suspend(terminal: &mut ratatui::DefaultTerminal) -> Result<()> {
    leave_screen();
    let stopped = rustix::process::kill_current_process_group(rustix::process::Signal::TSTP)
        .context("stopping for the shell");
    enter_screen(terminal)?;
    stopped
}

/// Links come from other people: only web and mail links go to the browser.
fn open_url(url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    if !["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
    {
        return Err(anyhow!("only http, https and mailto links are opened"));
    }
    let opener = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| {
            if cfg!(target_os = "macos") {
                "open".into()
            } else {
                "xdg-open".into()
            }
        });
    let mut child = std::process::Command::new(&opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("running {opener}"))?;
    // Reap it when it ends, so no zombie is left behind per link opened.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// Leaves the screen to `$VISUAL`/`$EDITOR` (else `vi`) on a private
/// temporary file holding `text`, and returns what the user saved.
fn edit_externally(text: &str, terminal: &mut ratatui::DefaultTerminal) -> Result<String> {
    let mut file = tempfile::Builder::new()
        .prefix("tend-reply-")
        .suffix(".txt")
        .tempfile()?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .ok()
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".into());
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    leave_screen();
    let status = std::process::Command::new(program)
        .args(words)
        .arg(file.path())
        .status();
    enter_screen(terminal)?;
    let status = status.with_context(|| format!("running {editor}"))?;
    if !status.success() {
        return Err(anyhow!(
            "{editor} exited with {status}; the draft is unchanged"
        ));
    }
    Ok(std::fs::read_to_string(file.path())?)
}
