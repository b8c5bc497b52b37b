//! Child processes and temporary files end with gowright, however gowright ends.
//!
//! A signal handler covers SIGINT and SIGTERM, but nothing runs in a process killed with
//! SIGKILL (`subprocess.run(..., timeout=)`, `docker kill`, the OOM killer), and `go build`
//! would go on compiling, with the compiler processes it started, long after. So at start-up,
//! while the process is still single-threaded, gowright forks a small watchdog that holds the
//! read end of a pipe. gowright tells it, over the pipe, each child process group it starts and
//! each temporary file it writes in an output directory. When gowright ends — normally, by a
//! signal, or killed — the pipe's write end closes; the watchdog then kills the process groups
//! still registered (every `go` child is the leader of its own group, so the compilers and the
//! linker it runs go with it) and removes the temporary files still registered, then exits.
//!
//! On platforms without `fork` nothing of this runs.
//!
//! No crate does this (process-wrap and command-group handle groups, not the death of the
//! parent), so it is written here against libc.

use std::io::Write as _;
use std::path::Path;
use std::sync::Mutex;

/// The write end of the pipe to the watchdog, once it runs.
static WATCHDOG: Mutex<Option<std::fs::File>> = Mutex::new(None);

/// Starts the watchdog. Call it first in `main`, before any thread exists: the watchdog is a
/// `fork` of the process and only a single-threaded process forks safely.
pub fn start() {
    #[cfg(unix)]
    unix::start();
}

/// Tells the watchdog about a child that leads its own process group `pgid`.
pub fn register_group(pgid: u32) {
    send(format!("g+{pgid}\n"));
}

/// The process group `pgid` has ended: it must not be killed later (its number may be reused).
pub fn forget_group(pgid: u32) {
    send(format!("g-{pgid}\n"));
}

/// Tells the watchdog about a temporary file to remove if gowright ends before it is renamed.
pub fn register_temp(path: &Path) {
    send(format!("t+{}\n", hex_path(path)));
}

/// The temporary file was renamed or removed.
pub fn forget_temp(path: &Path) {
    send(format!("t-{}\n", hex_path(path)));
}

/// A path as hex: any byte may be in a file name, newlines too.
fn hex_path(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        hex::encode(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        hex::encode(path.to_string_lossy().as_bytes())
    }
}

fn send(message: String) {
    if let Ok(mut guard) = WATCHDOG.lock()
        && let Some(pipe) = guard.as_mut()
    {
        // One write per message: the watchdog reads whole lines.
        let _ = pipe.write_all(message.as_bytes());
    }
}

/// Kills the process group `pgid` (used when a child exceeds its time).
pub fn kill_group(pgid: u32) {
    #[cfg(unix)]
    // SAFETY: kill(2) has no memory-safety preconditions.
    unsafe {
        libc::kill(-(pgid as libc::pid_t), libc::SIGKILL);
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

/// Whether a process `pid` exists (for sweeping the temporary files of dead builds).
pub fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        // SAFETY: kill(2) with signal 0 only checks for existence.
        let rc = unsafe { libc::kill(pid as libc::pid_t, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Makes a child lead a process group of its own, so that it and everything it starts can be
/// killed at once. (`process_group` keeps Rust's `posix_spawn` path, which a `pre_exec` hook
/// would replace by a slower `fork`; dying with the parent is the watchdog's job.)
#[cfg(unix)]
pub fn prepare_child(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt as _;
    cmd.process_group(0);
}

#[cfg(not(unix))]
pub fn prepare_child(_cmd: &mut std::process::Command) {}

#[cfg(unix)]
mod unix {
    use std::collections::BTreeSet;
    use std::io::BufRead as _;
    use std::os::fd::FromRawFd as _;

    pub fn start() {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: pipe2 writes two descriptors into the array.
        #[cfg(target_os = "linux")]
        let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
        #[cfg(not(target_os = "linux"))]
        let rc = unsafe {
            let rc = libc::pipe(fds.as_mut_ptr());
            if rc == 0 {
                libc::fcntl(fds[0], libc::F_SETFD, libc::FD_CLOEXEC);
                libc::fcntl(fds[1], libc::F_SETFD, libc::FD_CLOEXEC);
            }
            rc
        };
        if rc != 0 {
            return;
        }
        let [read_end, write_end] = fds;
        // SAFETY: the process is single-threaded here (see `start`), so the child is a full
        // copy that may allocate and use std.
        match unsafe { libc::fork() } {
            -1 => {
                // SAFETY: closing descriptors this function owns.
                unsafe {
                    libc::close(read_end);
                    libc::close(write_end);
                }
            }
            0 => {
                // SAFETY: closing our copy of the write end; the descriptor is ours.
                unsafe { libc::close(write_end) };
                watch(read_end);
            }
            _ => {
                // SAFETY: closing the read end, which only the watchdog uses.
                unsafe { libc::close(read_end) };
                // SAFETY: write_end is an open descriptor owned from here on by the File.
                let file = unsafe { std::fs::File::from_raw_fd(write_end) };
                if let Ok(mut guard) = super::WATCHDOG.lock() {
                    *guard = Some(file);
                }
            }
        }
    }

    /// The watchdog: collect groups and files until the pipe closes, then clean up and exit.
    fn watch(read_end: libc::c_int) -> ! {
        // SAFETY: plain libc calls on descriptors and signals of this process.
        unsafe {
            // Survive the signals that end gowright, to clean up after it.
            libc::signal(libc::SIGINT, libc::SIG_IGN);
            libc::signal(libc::SIGTERM, libc::SIG_IGN);
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
            // Hold no terminal or pipe of the caller open (a caller waits for their EOF).
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            if null >= 0 {
                for fd in 0..3 {
                    libc::dup2(null, fd);
                }
                if null > 2 {
                    libc::close(null);
                }
            }
            for fd in 3..1024 {
                if fd != read_end {
                    libc::close(fd);
                }
            }
            // Not in the caller's process group: a Ctrl-C to that group does not reach here.
            libc::setpgid(0, 0);
        }
        // SAFETY: read_end is an open descriptor this process owns.
        let pipe = unsafe { std::fs::File::from_raw_fd(read_end) };
        let mut groups = BTreeSet::new();
        let mut temps = BTreeSet::new();
        for line in std::io::BufReader::new(pipe)
            .split(b'\n')
            .map_while(Result::ok)
        {
            let Some((kind, value)) = line.split_at_checked(2) else {
                continue;
            };
            match kind {
                b"g+" => {
                    if let Some(pgid) = parse_pid(value) {
                        groups.insert(pgid);
                    }
                }
                b"g-" => {
                    if let Some(pgid) = parse_pid(value) {
                        groups.remove(&pgid);
                    }
                }
                b"t+" => {
                    if let Ok(path) = hex::decode(value) {
                        temps.insert(path);
                    }
                }
                b"t-" => {
                    if let Ok(path) = hex::decode(value) {
                        temps.remove(&path);
                    }
                }
                _ => {}
            }
        }
        for pgid in groups {
            // SAFETY: kill(2) has no memory-safety preconditions.
            unsafe { libc::kill(-pgid, libc::SIGKILL) };
        }
        for path in temps {
            use std::os::unix::ffi::OsStrExt as _;
            let _ = std::fs::remove_file(std::ffi::OsStr::from_bytes(&path));
        }
        // SAFETY: ending the watchdog without running the parent's atexit handlers.
        unsafe { libc::_exit(0) }
    }

    fn parse_pid(bytes: &[u8]) -> Option<libc::pid_t> {
        std::str::from_utf8(bytes)
            .ok()?
            .parse()
            .ok()
            .filter(|&p: &libc::pid_t| p > 1)
    }
}
