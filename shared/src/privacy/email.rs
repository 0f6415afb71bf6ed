//! An e-mail address: `j.de.vries-87@hotmail.com`, without a sentence's full stop.

use super::{Finding, Kind};

fn is_email_local(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"._%+-".contains(&byte)
}

fn is_email_domain(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b".-".contains(&byte)
}

pub(super) fn emails(text: &str) -> Vec<Finding> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for (at, _) in text.match_indices('@') {
        let mut start = at;
        while start > 0 && is_email_local(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && is_email_domain(bytes[end]) {
            end += 1;
        }
        // A sentence's full stop is not part of the domain.
        while end > at + 1 && bytes[end - 1] == b'.' {
            end -= 1;
        }
        let domain = &text[at + 1..end];
        let top_level = domain.rsplit('.').next().unwrap_or("");
        let good = start < at
            && domain.contains('.')
            && top_level.len() >= 2
            && top_level.bytes().all(|b| b.is_ascii_alphabetic());
        if good {
            found.push(Finding {
                kind: Kind::Email,
                range: start..end,
            });
        }
    }
    found
}
