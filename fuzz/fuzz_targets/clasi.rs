//! Any bytes into the CLASI reader: it must return Ok or Err, never panic, and whatever it
//! accepts must score within the instrument's maxima.
#![no_main]

use instruments::clasi::Clasi;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match instruments::input::read_clasi(text) {
        Ok(clasi) => {
            if let Some(activity) = clasi.activity() {
                assert!(activity <= Clasi::MAX_ACTIVITY);
                assert_eq!(clasi.severity(), Some(instruments::clasi::severity(activity)));
            }
            if let Some(damage) = clasi.damage() {
                assert!(damage <= Clasi::MAX_DAMAGE);
            }
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
