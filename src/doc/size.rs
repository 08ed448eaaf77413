//! Sizes as a person writes them on the command line (`8MiB`, `50MB`,
//! `1048576`) and as docproof prints them back.

/// `n`, `nB`, `nKB`/`nMB`/`nGB` (powers of 1000) or `nKiB`/`nMiB`/`nGiB`
/// (powers of 1024), any case, a space allowed before the unit.
pub fn parse(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let example = "write e.g. 8MiB, 50MB or 1048576 (bytes)";
    let n: u64 = number
        .parse()
        .map_err(|_| format!("'{s}' is not a size; {example}"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        other => return Err(format!("'{s}': unknown unit '{other}'; {example}")),
    };
    let bytes = n
        .checked_mul(scale)
        .ok_or_else(|| format!("'{s}' is more bytes than docproof can count; {example}"))?;
    if bytes == 0 {
        return Err(format!("'{s}' allows nothing; {example}"));
    }
    Ok(bytes)
}

/// `8 MiB`, `1.5 KiB`, `300 bytes`: the largest binary unit that fits.
pub fn show(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (scale, unit) in UNITS {
        if bytes >= scale {
            let whole = bytes / scale;
            let tenths = (bytes % scale) * 10 / scale;
            return if tenths == 0 {
                format!("{whole} {unit}")
            } else {
                format!("{whole}.{tenths} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_written() {
        assert_eq!(parse("8MiB"), Ok(8 << 20));
        assert_eq!(parse("50 MB"), Ok(50_000_000));
        assert_eq!(parse("1048576"), Ok(1 << 20));
        assert_eq!(parse("2gib"), Ok(2 << 30));
        assert!(parse("0").unwrap_err().contains("allows nothing"));
        assert!(parse("8 parsecs")
            .unwrap_err()
            .contains("unknown unit 'parsecs'"));
        assert!(parse("MB").unwrap_err().contains("not a size"));
        assert!(parse("99999999999999999999GiB").is_err());
        assert!(parse("18446744073709551615GiB")
            .unwrap_err()
            .contains("more bytes"));
    }

    #[test]
    fn sizes_print_in_binary_units() {
        assert_eq!(show(8 << 20), "8 MiB");
        assert_eq!(show(1536), "1.5 KiB");
        assert_eq!(show(300), "300 bytes");
    }
}
