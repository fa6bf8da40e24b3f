//! The allocation's random numbers: HMAC-SHA256 (RFC 2104, FIPS 180-4) keyed with the study's
//! allocation secret, in counter mode. Without the secret the numbers cannot be predicted or
//! recomputed (HMAC is a pseudorandom function); with it, any HMAC-SHA256 implementation
//! recomputes them, so the unblinded statistician can regenerate the list with another tool.
//!
//! Message of draw block `n` of a stream named by `labels`:
//! `"cletrial allocation v1" 0x00 label_1 0x00 ... label_k 0x00 n` (n as 8 bytes, big-endian);
//! each 32-byte output gives four 64-bit numbers (big-endian), used in order.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::Secret;

const DOMAIN: &[u8] = b"cletrial allocation v1";

/// The message of a secret's check: a domain of its own, so no draw stream ever equals it.
const CHECK: &[u8] = b"cletrial allocation secret check v1";

/// HMAC-SHA256 of [`CHECK`] keyed with the secret, as 64 lowercase hexadecimal digits: it names
/// the secret without revealing it (HMAC is a pseudorandom function), so the record can keep it
/// and refuse any other secret.
pub(crate) fn check(secret: &Secret) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.bytes()).expect("HMAC takes any key");
    mac.update(CHECK);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// One named stream of numbers.
pub(crate) struct Draws {
    mac: Hmac<Sha256>,
    block: u64,
    buffer: [u64; 4],
    used: usize,
}

impl Draws {
    pub(crate) fn new(secret: &Secret, labels: &[&str]) -> Draws {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.bytes()).expect("HMAC takes any key");
        mac.update(DOMAIN);
        for label in labels {
            mac.update(&[0]);
            mac.update(label.as_bytes());
        }
        mac.update(&[0]);
        Draws {
            mac,
            block: 0,
            buffer: [0; 4],
            used: 4,
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        if self.used == 4 {
            let mut mac = self.mac.clone();
            mac.update(&self.block.to_be_bytes());
            let bytes = mac.finalize().into_bytes();
            for (slot, chunk) in self.buffer.iter_mut().zip(bytes.chunks_exact(8)) {
                *slot = u64::from_be_bytes(chunk.try_into().expect("8 bytes"));
            }
            self.block += 1;
            self.used = 0;
        }
        self.used += 1;
        self.buffer[self.used - 1]
    }

    /// Uniform on `0..n` (n > 0), exactly: numbers at or above the largest multiple of `n` that
    /// fits in 64 bits are drawn again, so no value is favoured.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        let limit = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < limit {
                return x % n;
            }
        }
    }

    /// True with probability `percent` / 100.
    pub(crate) fn chance(&mut self, percent: u8) -> bool {
        self.below(100) < u64::from(percent)
    }
}
