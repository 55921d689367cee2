//! A process on a pseudo-terminal, for what a program does only on a
//! terminal: the session's frames (the scale benchmark) and `tend sync`'s
//! progress line (the sync tests). Shared by `benches/scale.rs` and the
//! tests through `#[path]`.

use std::io::Read;
use std::os::fd::OwnedFd;
use std::process::{Command, Stdio};

use anyhow::Result;

/// A process on a pseudo-terminal of a given size, its output drained.
pub struct Pty {
    pub child: std::process::Child,
    master: OwnedFd,
    output: std::thread::JoinHandle<Vec<u8>>,
}

impl Pty {
    pub fn spawn(command: &mut Command, width: u16, height: u16) -> Result<Pty> {
        use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)?;
        grantpt(&master)?;
        unlockpt(&master)?;
        let name = ptsname(&master, Vec::new())?;
        rustix::termios::tcsetwinsize(
            &master,
            rustix::termios::Winsize {
                ws_row: height,
                ws_col: width,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )?;
        let terminal = rustix::fs::open(
            name.as_c_str(),
            rustix::fs::OFlags::RDWR | rustix::fs::OFlags::NOCTTY | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )?;
        let child = command
            .env("TERM", "xterm-256color")
            .stdin(terminal.try_clone()?)
            .stdout(terminal.try_clone()?)
            .stderr(terminal)
            .spawn()?;
        // The command keeps its copies of the terminal until told otherwise;
        // with them open, reading the master never ends.
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // A full pseudo-terminal would block the child's writes.
        let mut reader = std::fs::File::from(master.try_clone()?);
        let output = std::thread::spawn(move || {
            let mut all = Vec::new();
            let mut chunk = vec![0u8; 1 << 16];
            // Reading fails (EIO) once the child and its terminal are gone.
            while let Ok(read @ 1..) = reader.read(&mut chunk) {
                all.extend_from_slice(&chunk[..read]);
            }
            all
        });
        Ok(Pty {
            child,
            master,
            output,
        })
    }

    #[allow(dead_code, reason = "the benchmark types keys; the tests only read")]
    pub fn send(&self, bytes: &[u8]) -> Result<()> {
        rustix::io::write(&self.master, bytes)?;
        Ok(())
    }

    /// Everything the process wrote, once it has exited.
    pub fn finish(self) -> Result<String> {
        drop(self.master);
        let output = self
            .output
            .join()
            .map_err(|_| anyhow::anyhow!("the terminal reader panicked"))?;
        Ok(String::from_utf8_lossy(&output).into_owned())
    }
}
