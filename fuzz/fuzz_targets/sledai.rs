//! Any bytes into the SLEDAI-2K reader: it must return Ok or Err, never panic, and whatever it
//! accepts must score between 0 and 105.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match instruments::input::read_sledai(text) {
        Ok(sledai) => assert!(sledai.score() <= 105),
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
