//! The real binary in a real terminal (tmux): a reply typed and saved is in
//! the store after quitting, and a `kill -9` in the middle of typing leaves
//! the draft behind. `.ci/run` installs tmux; without it these tests fail
//! with a message saying so rather than passing silently.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{Home, fixture};

struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `tend` (real clock, this home's store) in a 100×30 pane.
    fn start(home: &Home, name: &str) -> Tmux {
        Tmux::start_with(home, name, "")
    }

    /// `env` is prepended to the command line, e.g. `EDITOR=/path/to/script`.
    fn start_with(home: &Home, name: &str, env: &str) -> Tmux {
        let tmux = Tmux::launch(home, name, "", env, "");
        tmux.wait_for("Queue (");
        tmux
    }

    /// `tend ARGS` with `env`, after the shell commands `before`; prints
    /// `EXITED <code>` when it ends.
    fn launch(home: &Home, name: &str, before: &str, env: &str, args: &str) -> Tmux {
        let command = format!(
            "{before} env TERM=xterm-256color {env} {} '{}' {args}",
            tend_env_words(home),
            env!("CARGO_BIN_EXE_tend")
        );
        // After a `kill -9` the terminal is still raw (a newline does not
        // return the carriage), so the marker starts a line of its own with
        // `\r\n` instead of landing wherever bash's "Killed" left the cursor
        // and wrapping mid-word.
        Tmux::session(
            name,
            &format!("{command}; s=$?; printf '\\r\\nEXITED %s\\r\\n' $s; sleep 30"),
        )
    }

    /// An interactive shell (with job control) in a 100×30 pane.
    fn shell(name: &str) -> Tmux {
        let tmux = Tmux::session(
            name,
            "env TERM=xterm-256color PS1='$ ' bash --norc --noprofile -i",
        );
        tmux.wait_for("$");
        tmux
    }

    /// A detached 100×30 session running `command`, on a socket of its own.
    fn session(name: &str, command: &str) -> Tmux {
        assert!(
            Command::new("tmux")
                .arg("-V")
                .output()
                .is_ok_and(|o| o.status.success()),
            "tmux is not installed: `apt-get install -y tmux` (.ci/run does this)"
        );
        let socket = format!("tend-test-{name}-{}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "t",
            ])
            .args(["-x", "100", "-y", "30", command])
            .status()
            .unwrap();
        assert!(status.success(), "tmux could not start a session");
        Tmux { socket }
    }

    fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    fn keys(&self, keys: &[&str]) {
        self.run(&[&["send-keys", "-t", "t"], keys].concat());
        std::thread::sleep(Duration::from_millis(150));
    }

    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "t", "-l", text]);
        std::thread::sleep(Duration::from_millis(150));
    }

    fn wait_for(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "never saw {text:?}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The pid of `tend` itself: the child of the pane's shell.
    fn tend_pid(&self) -> String {
        let shell = self.run(&["display-message", "-p", "-t", "t", "#{pane_pid}"]);
        let output = Command::new("pgrep")
            .args(["-P", shell.trim()])
            .output()
            .unwrap();
        let pid = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        assert!(
            !pid.is_empty() && !pid.contains('\n'),
            "one child of the pane's shell, got {pid:?}"
        );
        pid
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn seeded_home() -> Home {
    let home = Home::new();
    home.write(
        "config.toml",
        "[me]\nmastodon = \"robin@mastodon.example\"\n",
    );
    home.import(fixture("generic.jsonl"));
    home
}

/// The environment `home` gives tend, as shell words, on the real clock:
/// these sessions' timers run on it.
fn tend_env_words(home: &Home) -> String {
    home.tend_env()
        .iter()
        .filter(|(name, _)| *name != "TEND_NOW")
        .map(|(name, value)| format!("{name}='{}'", value.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_reply_typed_in_the_session_is_stored_after_quitting() {
    let home = seeded_home();
    // The session opens at the top of the queue, as `tend inbox` orders it.
    let inbox = home.tend().args(["inbox", "--json"]).output().unwrap();
    let inbox: serde_json::Value = serde_json::from_slice(&inbox.stdout).unwrap();
    let first = inbox[0]["thread_id"].as_str().unwrap().to_owned();
    let tmux = Tmux::start(&home, "reply");
    // Everything tend writes to the terminal, to look for the clipboard copy.
    let log = home.path("terminal.log");
    tmux.run(&[
        "pipe-pane",
        "-t",
        "t",
        "-o",
        &format!("cat >> '{}'", log.display()),
    ]);
    tmux.keys(&["Enter"]);
    tmux.wait_for("reply ·");
    tmux.type_text("Thanks Mira, the rounding fix ships in 0.9.1 ☕");
    tmux.keys(&["C-s"]);
    tmux.wait_for("Saved and copied");
    let written = std::fs::read(&log).unwrap();
    let copy = format!(
        "\u{1b}]52;c;{}\u{7}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            "Thanks Mira, the rounding fix ships in 0.9.1 ☕"
        )
    );
    assert!(
        written.windows(copy.len()).any(|w| w == copy.as_bytes()),
        "the reply was copied with OSC 52"
    );
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXITED 0");
    assert!(
        screen.contains("answered 1 · done 0 · snoozed 0 · still open 6"),
        "{screen}"
    );
    assert_eq!(
        home.count(&format!(
            "SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE m.direction = 'out' AND c.thread_key = '{first}'
                   AND m.text = 'Thanks Mira, the rounding fix ships in 0.9.1 ☕'"
        )),
        1
    );
    assert_eq!(
        home.count("SELECT count(*) FROM conversations WHERE state = 'answered'"),
        1
    );
    assert_eq!(
        home.count("SELECT count(*) FROM actions WHERE kind = 'replied'"),
        1
    );
}

#[test]
fn kill_9_while_typing_keeps_the_draft() {
    let home = seeded_home();
    let tmux = Tmux::start(&home, "kill");
    tmux.keys(&["Enter"]);
    tmux.wait_for("reply ·");
    tmux.type_text("I was halfway through this answer");
    // Drafts are saved at least every two seconds.
    std::thread::sleep(Duration::from_millis(3500));
    let pid = tmux.tend_pid();
    assert!(
        Command::new("kill")
            .args(["-9", &pid])
            .status()
            .unwrap()
            .success()
    );
    tmux.wait_for("EXITED 137");
    assert_eq!(
        home.count("SELECT count(*) FROM drafts WHERE text = 'I was halfway through this answer'"),
        1
    );
    assert_eq!(home.text("PRAGMA integrity_check"), "ok");
}

#[test]
fn e_writes_the_reply_in_the_editor_and_comes_back() {
    let home = seeded_home();
    // An "editor" that writes a reply into the file it is given.
    let editor = home.write(
        "fake-editor.sh",
        "#!/bin/sh\nprintf 'Written in my editor' > \"$1\"\n",
    );
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let tmux = Tmux::start_with(&home, "editor", &format!("VISUAL='{}'", editor.display()));
    tmux.keys(&["e"]);
    tmux.wait_for("Written in my editor");
    tmux.keys(&["C-s"]);
    tmux.wait_for("Saved and copied");
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0");
    assert_eq!(home.count("SELECT count(*) FROM messages WHERE direction = 'out' AND text = 'Written in my editor'"), 1);
}

#[test]
fn sigterm_restores_the_terminal_and_keeps_what_was_typed() {
    let home = seeded_home();
    let tmux = Tmux::start(&home, "term");
    tmux.keys(&["Enter"]);
    tmux.wait_for("reply ·");
    tmux.type_text("typed just before the window closed");
    tmux.wait_for("typed just before the window closed");
    let pid = tmux.tend_pid();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    // Back on the normal screen: the summary and the shell's line are visible.
    let screen = tmux.wait_for("EXITED 0");
    assert!(
        screen.contains("Session: ") && screen.contains("answered 0"),
        "{screen}"
    );
    assert!(
        !screen.contains("Queue ("),
        "the alternate screen is gone: {screen}"
    );
    assert_eq!(
        home.count(
            "SELECT count(*) FROM drafts WHERE text = 'typed just before the window closed'"
        ),
        1
    );
}

#[test]
fn kill_9_loses_at_most_one_heartbeat_of_active_time() {
    let home = seeded_home();
    let launched = Instant::now();
    let tmux = Tmux::start(&home, "timer");
    let first_frame = Instant::now();
    // Twelve seconds of browsing, a key every few hundred milliseconds.
    while first_frame.elapsed() < Duration::from_secs(12) {
        tmux.keys(&["j"]);
        tmux.keys(&["k"]);
    }
    let pid = tmux.tend_pid();
    assert!(
        Command::new("kill")
            .args(["-9", &pid])
            .status()
            .unwrap()
            .success()
    );
    let killed = Instant::now();
    tmux.wait_for("EXITED 137");
    let stored = || home.count("SELECT coalesce(sum(active_ms), 0) FROM timer_segments");
    let active = stored();
    let ran = i64::try_from((killed - launched).as_millis()).unwrap();
    let seen = i64::try_from((killed - first_frame).as_millis()).unwrap();
    eprintln!("stored {active} ms; worked {seen} ms; the process ran {ran} ms");
    // At most one heartbeat (5 s) plus the tick in progress is lost.
    let allowed_loss = i64::try_from(tend::tui::timer::HEARTBEAT.as_millis()).unwrap() + 2000;
    assert!(
        active <= ran,
        "{active} ms stored, the process ran {ran} ms"
    );
    assert!(
        active >= seen - allowed_loss,
        "{active} ms stored after {seen} ms of work"
    );
    assert_eq!(home.count("SELECT count(*) FROM timer_sessions"), 1);
    assert_eq!(home.text("PRAGMA integrity_check"), "ok");
}

#[test]
fn ctrl_z_gives_the_shell_back_and_fg_resumes_without_counting_the_stop() {
    let home = seeded_home();
    let tmux = Tmux::shell("suspend");
    let started = Instant::now();
    tmux.type_text(&format!(
        "{} '{}'",
        tend_env_words(&home),
        env!("CARGO_BIN_EXE_tend")
    ));
    tmux.keys(&["Enter"]);
    tmux.wait_for("Queue (");
    let shown = Instant::now();
    // Taken before the key: `keys` waits after sending, when tend is stopped.
    let pressed_z = Instant::now();
    tmux.keys(&["C-z"]);
    tmux.wait_for("Stopped");
    let cursor = tmux.run(&["display-message", "-p", "-t", "t", "#{cursor_flag}"]);
    assert_eq!(cursor.trim(), "1", "the shell's cursor is visible again");
    let stopped = Instant::now();
    std::thread::sleep(Duration::from_millis(1500));
    tmux.type_text("fg");
    let fg_sent = Instant::now();
    tmux.keys(&["Enter"]);
    tmux.wait_for("Queue (");
    let back = Instant::now();
    tmux.keys(&["j"]);
    let pressed_q = Instant::now();
    tmux.keys(&["q"]);
    tmux.wait_for("Session: ");
    let ended = Instant::now();
    let active = home.count("SELECT coalesce(sum(active_ms), 0) FROM timer_segments");
    let ms = |span: Duration| i64::try_from(span.as_millis()).unwrap();
    let ran = ms(ended - started);
    // Surely stopped from `stopped` to `fg_sent`; surely running and counting
    // from `shown` to `pressed_z` and from `back` to `pressed_q`.
    let away = ms(fg_sent - stopped);
    let seen_running = ms(pressed_z - shown) + ms(pressed_q - back);
    eprintln!("{active} ms active of {ran} ms; {away} ms stopped; {seen_running} ms seen running");
    assert!(
        active >= seen_running - 100,
        "{active} ms active, {seen_running} ms seen running"
    );
    assert!(
        active <= ran - away,
        "{active} ms active, {ran} ms run, {away} ms stopped"
    );
}

#[test]
fn two_sessions_and_an_import_at_once_all_finish_and_time_counts_once() {
    let home = seeded_home();
    let big = home.write_bulk("big.jsonl", "bulk", 100_000);
    let started = Instant::now();
    let first = Tmux::start_with(&home, "two-a", "TZ=UTC");
    let second = Tmux::start_with(&home, "two-b", "TZ=UTC");
    // The reply is typed first, so that saving it is one key once the
    // import holds the store.
    first.keys(&["Enter"]);
    first.type_text("Answered while an import ran");
    second.keys(&["j", "j"]);
    let mut import = home
        .tend_process()
        .arg("import")
        .arg(&big)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The import takes the write lock as it starts and keeps it for a few
    // seconds; both sessions write meanwhile: they wait rather than fail.
    std::thread::sleep(Duration::from_millis(300));
    first.keys(&["C-s"]);
    second.keys(&["d"]);
    assert!(
        import.try_wait().unwrap().is_none(),
        "the import ended before the sessions' writes: they did not overlap"
    );
    first.wait_for("Saved and copied");
    second.wait_for("Done. u undoes it.");
    let output = import.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Both sessions busy at the same time for a few seconds more.
    let busy = Instant::now();
    while busy.elapsed() < Duration::from_secs(6) {
        first.keys(&["j"]);
        second.keys(&["k"]);
    }
    first.keys(&["q"]);
    second.keys(&["q"]);
    first.wait_for("EXITED 0");
    second.wait_for("EXITED 0");
    let wall = i64::try_from(started.elapsed().as_millis()).unwrap();

    assert_eq!(home.text("PRAGMA integrity_check"), "ok");
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE external_id LIKE 'bulk-%'"),
        100_000
    );
    assert_eq!(
        home.count("SELECT count(*) FROM messages WHERE text = 'Answered while an import ran'"),
        1
    );
    assert_eq!(
        home.count("SELECT count(*) FROM actions WHERE kind = 'done'"),
        1
    );
    assert_eq!(home.count("SELECT count(*) FROM timer_sessions"), 2);
    // Two sessions were open side by side: their time counts once, so it
    // cannot exceed the wall time, though each alone counted most of it.
    let active = home.count("SELECT coalesce(sum(active_ms), 0) FROM timer_segments");
    eprintln!("stored {active} ms of active time over {wall} ms with two sessions");
    assert!(
        active <= wall,
        "{active} ms counted in {wall} ms: counted twice"
    );
    assert!(active >= 6_000, "{active} ms counted: time was lost");
}

#[test]
fn a_real_terminal_resized_to_one_cell_and_back_keeps_the_session() {
    let home = seeded_home();
    let tmux = Tmux::start(&home, "resize");
    tmux.keys(&["Enter"]);
    tmux.wait_for("reply ·");
    tmux.type_text("typed before the squeeze");
    // A key typed while the terminal is too small to show the box does
    // nothing (the screen says so); at the sizes that fit, it types.
    for (width, height, drawn) in [
        ("1", "1", "T"),
        ("10", "3", "too small"),
        ("500", "200", "reply ·"),
        ("100", "30", "reply ·"),
    ] {
        tmux.run(&["resize-window", "-t", "t", "-x", width, "-y", height]);
        tmux.wait_for(drawn);
        tmux.type_text("!");
    }
    let screen = tmux.wait_for("typed before the squeeze!!");
    assert!(screen.contains("Queue ("), "{screen}");
    tmux.keys(&["Escape"]);
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0");
    assert_eq!(
        home.count("SELECT count(*) FROM drafts WHERE text = 'typed before the squeeze!!'"),
        1
    );
}

#[test]
fn a_disk_that_fills_during_the_session_says_so_and_ctrl_c_prints_the_reply() {
    let home = seeded_home();
    let tmux = Tmux::launch(&home, "full", "trap '' XFSZ;", "", "");
    tmux.wait_for("Queue (");
    tmux.keys(&["Enter"]);
    tmux.wait_for("reply ·");
    tmux.type_text("first words");
    // The disk is full from now on: no file of tend's may grow.
    let pid = tmux.tend_pid();
    assert!(
        Command::new("prlimit")
            .args(["--pid", &pid, "--fsize=1"])
            .status()
            .unwrap()
            .success()
    );
    tmux.type_text(" and the rest");
    let screen = tmux.wait_for("Not saved:");
    assert!(screen.contains("tend.db: the system could not"), "{screen}");
    tmux.keys(&["C-c"]);
    let screen = tmux.wait_for("EXITED 1");
    assert!(
        screen.contains("could not be saved; here it is"),
        "{screen}"
    );
    assert!(screen.contains("first words and the rest"), "{screen}");
    assert_eq!(home.text("PRAGMA integrity_check"), "ok");
}

#[test]
fn exit_after_first_frame_draws_and_leaves_writing_nothing() {
    let home = seeded_home();
    // A second's pause first, to start recording what reaches the terminal.
    let tmux = Tmux::launch(
        &home,
        "first-frame",
        "sleep 1;",
        "",
        "--exit-after-first-frame",
    );
    let log = home.path("terminal.log");
    tmux.run(&[
        "pipe-pane",
        "-t",
        "t",
        "-o",
        &format!("cat >> '{}'", log.display()),
    ]);
    tmux.wait_for("EXITED 0");
    let drawn = String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned();
    assert!(
        drawn.contains("Queue (7 open"),
        "the frame was drawn: {drawn:?}"
    );
    assert_eq!(home.count("SELECT count(*) FROM timer_sessions"), 0);
    assert_eq!(home.count("SELECT count(*) FROM timer_segments"), 0);
}
