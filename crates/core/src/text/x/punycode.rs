//! The length of a domain label once punycode-encoded (RFC 3492), as punycode.js 1.4.1's
//! `toASCII` produces it. X refuses links whose labels encode to more than 63 characters.

const BASE: u64 = 36;
const T_MIN: u64 = 1;
const T_MAX: u64 = 26;
const SKEW: u64 = 38;
const DAMP: u64 = 700;
const INITIAL_BIAS: u64 = 72;
const INITIAL_N: u64 = 128;

fn is_separator(u: u16) -> bool {
    matches!(u, 0x2E | 0x3002 | 0xFF0E | 0xFF61)
}

/// `toASCII(label).length`: parts between separators are encoded when they hold anything
/// outside printable ASCII, and joined with dots.
pub(crate) fn to_ascii_len(label: &[u16]) -> usize {
    let parts = label.split(|&u| is_separator(u));
    let mut total = 0;
    let mut count = 0usize;
    for part in parts {
        count += 1;
        total += if part.iter().all(|&u| (0x20..=0x7E).contains(&u)) {
            part.len()
        } else {
            4 + encoded_len(part)
        };
    }
    total + count.saturating_sub(1)
}

/// Code points as punycode.js's `ucs2decode` reads them (a lone surrogate stands for itself).
fn code_points(part: &[u16]) -> Vec<u64> {
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0;
    while i < part.len() {
        let (cp, len) = super::chars::code_point_at(part, i);
        out.push(u64::from(cp));
        i += len;
    }
    out
}

fn adapt(mut delta: u64, num_points: u64, first_time: bool) -> u64 {
    delta = if first_time { delta / DAMP } else { delta / 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

/// The length of the punycode encoding of `part` (without the `xn--` prefix).
fn encoded_len(part: &[u16]) -> usize {
    let input = code_points(part);
    let basic = input.iter().filter(|&&c| c < 0x80).count();
    let mut len = basic + usize::from(basic > 0);
    let (mut n, mut delta, mut bias) = (INITIAL_N, 0u64, INITIAL_BIAS);
    let mut handled = basic as u64;
    let total = input.len() as u64;
    while handled < total {
        let Some(&m) = input.iter().filter(|&&c| c >= n).min() else {
            break;
        };
        delta = delta.saturating_add((m - n).saturating_mul(handled + 1));
        n = m;
        for &c in &input {
            if c < n {
                delta = delta.saturating_add(1);
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    len += 1;
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                len += 1;
                bias = adapt(delta, handled + 1, handled == basic as u64);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len(s: &str) -> usize {
        to_ascii_len(&s.encode_utf16().collect::<Vec<_>>())
    }

    #[test]
    fn matches_known_encodings() {
        assert_eq!(len("example"), 7);
        assert_eq!(len("bücher"), "xn--bcher-kva".len());
        assert_eq!(len("☃"), "xn--n3h".len());
        assert_eq!(len("münchen"), "xn--mnchen-3ya".len());
        assert_eq!(len("日本語"), "xn--wgv71a119e".len());
    }
}
