//! `--shard i/n`: one of n stable shares of the scenarios, as Playwright
//! splits a suite across CI machines. The scenarios a run would select
//! (tags applied, pending ones left out) are ordered by file and line and
//! cut into n contiguous blocks as even as they come; shard i runs block i.
//! The same features give the same shards on every machine.

use cucumber::gherkin;
use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// Shard `index` (from 1) of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub total: usize,
}

/// A scenario by where it is: its feature file and its line.
pub type Place = (PathBuf, usize);

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let usage = "write it as i/n, e.g. 1/2 for the first of two shards";
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("'{s}' is not a shard; {usage}"))?;
        let number = |part: &str| {
            part.trim().parse::<usize>().map_err(|_| {
                format!("'{s}' is not a shard ('{part}' is not a whole number); {usage}")
            })
        };
        let (index, total) = (number(i)?, number(n)?);
        if total == 0 || index == 0 || index > total {
            return Err(format!(
                "'{s}' is not a shard: i must be from 1 to n, and n at least 1; {usage}"
            ));
        }
        Ok(Shard { index, total })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

impl Shard {
    /// This shard's block of `all` (in any order; ordered here).
    pub fn pick(self, mut all: Vec<Place>) -> HashSet<Place> {
        all.sort();
        all.dedup();
        let n = all.len();
        let from = (self.index - 1) * n / self.total;
        let to = self.index * n / self.total;
        all.drain(from..to).collect()
    }
}

/// Every scenario of `features` that `select` keeps, by place.
pub fn places(
    features: &[gherkin::Feature],
    select: impl Fn(&gherkin::Feature, Option<&gherkin::Rule>, &gherkin::Scenario) -> bool,
) -> Vec<Place> {
    let mut out = Vec::new();
    for f in features {
        let path = f.path.clone().unwrap_or_default();
        let in_rules = f
            .rules
            .iter()
            .flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s)));
        for (rule, s) in f.scenarios.iter().map(|s| (None, s)).chain(in_rules) {
            if select(f, rule, s) {
                out.push((path.clone(), s.position.line));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_scenario_once_in_even_blocks() {
        let all: Vec<Place> = (1..=20).map(|l| (PathBuf::from("a.feature"), l)).collect();
        for total in 1..=7 {
            let mut seen = Vec::new();
            for index in 1..=total {
                let block = Shard { index, total }.pick(all.clone());
                assert!(block.len() >= 20 / total && block.len() <= 20 / total + 1);
                seen.extend(block);
            }
            seen.sort();
            assert_eq!(seen, all, "{total} shards");
        }
        let more = Shard {
            index: 3,
            total: 30,
        }
        .pick(all.clone());
        assert!(more.len() <= 1);
    }

    #[test]
    fn a_bad_shard_is_refused_saying_how_to_write_it() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, total: 3 }));
        for bad in ["3/2", "0/2", "1/0", "x", "1/two", ""] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("i/n"), "{bad}: {e}");
        }
    }
}
