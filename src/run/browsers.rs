//! Which browser a run's actors use: `--driver browser|http|auto`, a
//! chromedriver of our own or a remote WebDriver (`--webdriver URL`), and
//! what happens when no browser is installed (`--require-browser`).

use crate::drive::browser::chromedriver::Installation;
use crate::drive::browser::BrowserPool;
use crate::drive::Browsers;
use std::sync::Arc;

/// `--driver`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DriverChoice {
    /// A real browser when Chromium and chromedriver are found (or
    /// `--webdriver` is given), otherwise plain HTTP, said plainly.
    #[default]
    Auto,
    /// A real browser, or the run does not start.
    Browser,
    /// Plain HTTP: no scripts, no screenshots; the fastest.
    Http,
}

/// Set to `1` in CI: a missing browser fails the run instead of falling
/// back to HTTP.
pub const REQUIRE_BROWSER_ENV: &str = "DOCPROOF_REQUIRE_BROWSER";

/// Whether [`REQUIRE_BROWSER_ENV`] asks for a browser, read with the same
/// parser `--require-browser` reads it with (clap's falsey values: empty,
/// `0`, `false`, `no`, `off`… are off), so the tests and the command line
/// never disagree.
pub fn browser_required_by_env() -> bool {
    use clap::builder::TypedValueParser as _;
    std::env::var_os(REQUIRE_BROWSER_ENV).is_some_and(|v| {
        clap::builder::FalseyValueParser::new()
            .parse_ref(&clap::Command::new("docproof"), None, &v)
            .unwrap_or(true)
    })
}

/// The browsers a run uses, and the pool to shut down after it.
pub struct Chosen {
    pub browsers: Browsers,
    /// Said on stderr before the run: e.g. why it runs over HTTP.
    pub notice: Option<String>,
    guard: Option<PoolGuard>,
}

impl Chosen {
    /// Closes the sessions and stops chromedriver (if the run started it).
    pub async fn close(mut self) {
        if let Some(g) = self.guard.take() {
            if g.owned {
                g.pool.shutdown().await;
            }
        }
    }
}

/// Kills chromedriver and its browsers if the run ends without
/// [`Chosen::close`]: a panic, or Ctrl-C dropping the run.
struct PoolGuard {
    pool: Arc<BrowserPool>,
    owned: bool,
}

impl Drop for PoolGuard {
    fn drop(&mut self) {
        if self.owned {
            self.pool.kill();
        }
    }
}

/// What the run asked for.
#[derive(Debug, Clone, Default)]
pub struct BrowserOptions {
    pub driver: DriverChoice,
    pub webdriver: Option<String>,
    pub require_browser: bool,
    /// A pool someone else started and will shut down (benchmarks keep
    /// one across runs, so they measure scenarios, not browser starts).
    pub pool: Option<Arc<BrowserPool>>,
}

/// Picks the browsers for a run with `scenarios` running at once, starting
/// chromedriver and warming the pool when a real browser is used. An error
/// means the run cannot start.
pub async fn choose(opts: &BrowserOptions, scenarios: usize) -> anyhow::Result<Chosen> {
    let http = |notice| Chosen {
        browsers: Browsers::Http,
        notice,
        guard: None,
    };
    if opts.driver == DriverChoice::Http {
        return Ok(http(None));
    }
    let required = opts.driver == DriverChoice::Browser || opts.require_browser;
    let (pool, owned) = if let Some(pool) = &opts.pool {
        let needed = BrowserPool::size_for_scenarios(scenarios);
        if pool.size < needed {
            anyhow::bail!(
                "the browser pool holds {} sessions; {scenarios} scenarios at once need {needed} (one per actor)",
                pool.size
            );
        }
        (Arc::clone(pool), false)
    } else if let Some(url) = &opts.webdriver {
        let size = BrowserPool::size_for_scenarios(scenarios);
        let pool = BrowserPool::remote(url, size)
            .await
            .map_err(|e| anyhow::anyhow!("--webdriver {}: {e}", crate::drive::shown_url(url)))?;
        // Ours to close (its sessions), though not its server.
        (Arc::new(pool), true)
    } else {
        match Installation::find() {
            Ok(install) => {
                let size = BrowserPool::size_for_scenarios(scenarios);
                let pool = BrowserPool::local(&install, size)
                    .await
                    .map_err(|e| anyhow::anyhow!("cannot start the browser: {e}"))?;
                (Arc::new(pool), true)
            }
            Err(why) if required => {
                let by = if opts.driver == DriverChoice::Browser {
                    "--driver browser"
                } else if browser_required_by_env() {
                    "$DOCPROOF_REQUIRE_BROWSER"
                } else {
                    "--require-browser"
                };
                anyhow::bail!("{by} needs a real browser, but {why}")
            }
            Err(why) => {
                return Ok(http(Some(format!(
                    "docproof: no browser here ({why}). Running over plain HTTP instead: no scripts, no screenshots. Pass --require-browser to make this an error."
                ))))
            }
        }
    };
    let guard = PoolGuard {
        pool: Arc::clone(&pool),
        owned,
    };
    // Start the first sessions together, before any scenario waits on one.
    if let Err(e) = pool.warm(scenarios).await {
        drop(guard);
        anyhow::bail!("cannot open a browser session: {e}");
    }
    Ok(Chosen {
        browsers: Browsers::Real(pool),
        notice: None,
        guard: Some(guard),
    })
}
