//! A chromedriver of our own: found on this machine, started on a free
//! port, health-checked, and shut down with every browser it started and
//! every profile directory we gave them — also when the run fails, panics or
//! is interrupted (the guard's `Drop` does the same work synchronously).

use nix::sys::signal::{self, Signal};
use nix::unistd::Pid;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// How to install a browser, for every message that finds none.
pub const INSTALL_HINT: &str = "install Chromium and ChromeDriver: on Debian/Ubuntu `sudo apt-get install -y chromium chromium-driver chromium-headless-shell`, on macOS `brew install --cask chromium chromedriver`; or point CHROMEDRIVER and CHROME_BIN at them, or pass --webdriver URL";

/// How long chromedriver may take to say it is ready.
const READY_WITHIN: Duration = Duration::from_secs(15);

/// Where the browser is on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installation {
    pub chromedriver: PathBuf,
    /// The Chromium/Chrome binary.
    pub chromium: PathBuf,
}

/// Chromium's headless shell, where installed, is preferred: the same
/// Blink and V8 without the desktop browser around them (tabs, omnibox,
/// history), so a page load costs about half the CPU (here 18 ms and 26 ms
/// of CPU a load, against 26 ms and 40 ms of CPU). Playwright runs its
/// headless Chromium tests on it for the same reason.
const HEADLESS_SHELLS: &[&str] = &[
    "/usr/lib/chromium/chromium-headless-shell",
    "chrome-headless-shell",
    "chromium-headless-shell",
];

/// Whether the binary is Chromium's headless shell (always headless;
/// chromedriver must be told, or it waits for a window that never comes).
pub fn is_headless_shell(binary: &Path) -> bool {
    binary
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains("headless-shell") || n.contains("headless_shell"))
}

impl Installation {
    /// Finds chromedriver and Chromium: `CHROMEDRIVER` / `CHROME_BIN` first,
    /// then Chromium's headless shell, then Chromium on `PATH`, then the
    /// usual macOS application bundles. The error says what is missing and
    /// how to install it.
    pub fn find() -> Result<Installation, String> {
        let chromedriver = from_env("CHROMEDRIVER")?
            .or_else(|| on_path(&["chromedriver"]))
            .ok_or_else(|| format!("chromedriver was not found (looked at $CHROMEDRIVER and on PATH); {INSTALL_HINT}"))?;
        let chromium = from_env("CHROME_BIN")?
            .or_else(|| {
                HEADLESS_SHELLS
                    .iter()
                    .map(PathBuf::from)
                    .find(|p| p.is_absolute() && p.is_file())
                    .or_else(|| on_path(&HEADLESS_SHELLS[1..]))
            })
            .or_else(|| {
                on_path(&[
                    "chromium",
                    "chromium-browser",
                    "google-chrome",
                    "google-chrome-stable",
                ])
            })
            .or_else(|| {
                [
                    "/Applications/Chromium.app/Contents/MacOS/Chromium",
                    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                ]
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
            })
            .ok_or_else(|| format!("Chromium was not found (looked at $CHROME_BIN and for chromium-headless-shell, chromium, chromium-browser, google-chrome on PATH); {INSTALL_HINT}"))?;
        Ok(Installation {
            chromedriver,
            chromium,
        })
    }
}

/// The path a variable names; `Err` when it is set to something that is
/// not a file (a typo must not silently fall back to `PATH`).
fn from_env(var: &str) -> Result<Option<PathBuf>, String> {
    let Some(value) = std::env::var_os(var).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let p = PathBuf::from(value);
    if p.is_file() {
        Ok(Some(p))
    } else {
        Err(format!(
            "${var} is set to {}, which is not a file; point it at the program or unset it",
            p.display()
        ))
    }
}

/// The first of `names` found on `PATH`.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    names.iter().find_map(|name| which::which(name).ok())
}

/// A running chromedriver. Dropping it kills chromedriver and the browsers
/// it started (they share its process group) and removes `workdir`.
#[derive(Debug)]
pub struct ChromeDriver {
    pub url: String,
    /// Holds the browsers' profile directories, chromedriver's log and the
    /// `tmp` folder given to chromedriver and its browsers as `TMPDIR`.
    pub workdir: PathBuf,
    child: Option<tokio::process::Child>,
}

impl ChromeDriver {
    /// Starts chromedriver on a free port and waits until `/status` says
    /// it is ready.
    pub async fn start(install: &Installation) -> Result<ChromeDriver, String> {
        let workdir = std::env::temp_dir().join(format!(
            "docproof-browser-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        // chromedriver and Chromium leave `org.chromium.Chromium.scoped_dir.*`
        // folders in $TMPDIR when killed; theirs is inside the workdir, so
        // removing the workdir removes those too.
        let tmp = workdir.join("tmp");
        std::fs::create_dir_all(&tmp)
            .map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
        let port = free_port().map_err(|e| format!("no free local port for chromedriver: {e}"))?;
        let log = workdir.join("chromedriver.log");
        let mut command = tokio::process::Command::new(&install.chromedriver);
        command
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            // Warnings and errors only: at INFO it logs every command's
            // arguments, typed passwords included.
            .arg("--log-level=WARNING")
            .env("TMPDIR", &tmp)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            // Its own process group, so the browsers it starts can be
            // killed with it if the run is cut short.
            .process_group(0);
        let child = command.spawn().map_err(|e| {
            format!(
                "cannot start {}: {e}; {INSTALL_HINT}",
                install.chromedriver.display()
            )
        })?;
        let mut driver = ChromeDriver {
            url: format!("http://127.0.0.1:{port}"),
            workdir,
            child: Some(child),
        };
        driver.until_ready().await?;
        Ok(driver)
    }

    async fn until_ready(&mut self) -> Result<(), String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .map_err(|e| e.to_string())?;
        let started = Instant::now();
        let mut pause = Duration::from_millis(10);
        loop {
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(format!(
                        "chromedriver exited at start ({status}); its log says: {}",
                        self.log_tail()
                    ));
                }
            }
            if let Ok(r) = client.get(format!("{}/status", self.url)).send().await {
                if let Ok(body) = r.json::<serde_json::Value>().await {
                    if body["value"]["ready"].as_bool() == Some(true) {
                        return Ok(());
                    }
                }
            }
            if started.elapsed() > READY_WITHIN {
                return Err(format!(
                    "chromedriver did not become ready at {} within {} s; its log says: {}",
                    self.url,
                    READY_WITHIN.as_secs(),
                    self.log_tail()
                ));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(200));
        }
    }

    /// The end of chromedriver's log, for error messages.
    pub fn log_tail(&self) -> String {
        log_tail(&self.workdir.join("chromedriver.log"))
    }

    /// A fresh profile directory for one browser session.
    pub fn profile_dir(&self, n: usize) -> PathBuf {
        self.workdir.join(format!("profile-{n}"))
    }

    /// Stops chromedriver (and any browser still open) and removes the
    /// profiles. Sessions should be closed first, so browsers quit cleanly.
    pub async fn shutdown(mut self) {
        if let Some(mut child) = self.child.take() {
            kill_group(&child, Signal::SIGTERM);
            if tokio::time::timeout(Duration::from_secs(2), child.wait())
                .await
                .is_err()
            {
                kill_group(&child, Signal::SIGKILL);
                let _ = child.wait().await;
            }
        }
        kill_strays(&self.workdir);
        remove_dir(&self.workdir);
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            kill_group(&child, Signal::SIGKILL);
        }
        kill_strays(&self.workdir);
        remove_dir(&self.workdir);
    }
}

/// Browser helpers that left chromedriver's process group (Chrome starts
/// some in their own session) are found by the profile folder on their
/// command line and killed too.
fn kill_strays(workdir: &Path) {
    let needle = workdir.to_string_lossy().into_owned();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in procs.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(&needle) {
            let _ = signal::kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
}

/// Signals the process group chromedriver leads (`process_group(0)`).
fn kill_group(child: &tokio::process::Child, sig: Signal) {
    if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
        let _ = signal::killpg(Pid::from_raw(pid), sig);
    }
}

fn remove_dir(dir: &Path) {
    // A browser that is still writing its profile can race the first try.
    for _ in 0..3 {
        if std::fs::remove_dir_all(dir).is_ok() || !dir.exists() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.chars().take(200).collect())
        .collect();
    let tail = lines[lines.len().saturating_sub(3)..].join(" | ");
    if tail.is_empty() {
        "(nothing)".into()
    } else {
        tail
    }
}
