//! `[randomisation]`: a trial declares its arms, factors and allocation method; the loader
//! checks them on every shipped protocol.

use protocol::Protocol;
use protocol::allocation::{Allocator, Method, Secret};

use crate::support::protocol_text;

const TWO_ARMS: &str = r#"
[randomisation]
method = "permuted_blocks"
block_multiples = [1, 2, 3]

[[randomisation.arms]]
code = "LEN"
label = "Lenalidomide"

[[randomisation.arms]]
code = "PBO"
label = "Placebo"

[[randomisation.factors]]
name = "subtype"
levels = ["DLE", "SCLE", "ACLE"]

[[randomisation.factors]]
name = "baseline CLASI-A"
levels = ["below 10", "10 or more"]
"#;

fn with(name: &str, section: &str) -> Result<Protocol, String> {
    Protocol::from_toml(&(protocol_text(name) + section)).map_err(|error| error.to_string())
}

#[test]
fn the_trial_randomises_and_the_cohort_and_chart_review_may_not() {
    let trial = with("nct01408199", TWO_ARMS).expect("the trial randomises");
    let design = trial.randomisation().expect("declared");
    let codes: Vec<&str> = design.arms().iter().map(|arm| arm.code.as_str()).collect();
    assert_eq!(codes, ["LEN", "PBO"]);
    assert_eq!(
        design.method(),
        &Method::PermutedBlocks {
            block_multiples: vec![1, 2, 3]
        }
    );
    let profile = design
        .profile(&[("subtype", "SCLE"), ("baseline CLASI-A", "10 or more")])
        .expect("profile");
    let mut allocator = Allocator::new(design, Secret::from_bytes([9; 32]));
    assert_eq!(
        allocator.assign(&profile).stratum,
        "subtype=SCLE;baseline CLASI-A=10 or more"
    );
    for name in ["thalidomide-cohort", "pediatric-review"] {
        let error = with(name, TWO_ARMS).expect_err(name);
        assert!(
            error.contains("randomisation: only an interventional study randomises"),
            "{name}: {error}"
        );
    }
    // The shipped studies are single-arm or observational.
    for name in ["nct01408199", "thalidomide-cohort", "pediatric-review"] {
        assert!(
            with(name, "").expect(name).randomisation().is_none(),
            "{name}"
        );
    }
}

#[test]
fn each_method_needs_its_own_setting() {
    let minimisation = TWO_ARMS.replace(
        "method = \"permuted_blocks\"\nblock_multiples = [1, 2, 3]",
        "method = \"minimisation\"",
    );
    assert_eq!(
        with("nct01408199", &minimisation).expect_err("no percent_best"),
        "randomisation.percent_best: method = \"minimisation\" needs percent_best"
    );
    let minimisation = minimisation.replace(
        "method = \"minimisation\"",
        "method = \"minimisation\"\npercent_best = 80",
    );
    let trial = with("nct01408199", &minimisation).expect("minimisation");
    assert_eq!(
        trial.randomisation().map(|design| design.method()),
        Some(&Method::Minimisation { percent_best: 80 })
    );
    let unknown = TWO_ARMS.replace("permuted_blocks", "coin");
    assert!(
        with("nct01408199", &unknown)
            .expect_err("unknown method")
            .contains("unknown variant `coin`, expected `permuted_blocks` or `minimisation`"),
    );
}

/// A secret's check is HMAC-SHA256 of "cletrial allocation secret check v1" keyed with the
/// secret; the expected values come from Python's `hmac` module, another implementation.
#[test]
fn a_secrets_check_is_its_hmac_and_tells_secrets_apart() {
    let mut counting = [0u8; 32];
    for (i, byte) in counting.iter_mut().enumerate() {
        *byte = i as u8;
    }
    let check = |bytes: [u8; 32], expect: &str| {
        assert_eq!(Secret::from_bytes(bytes).check(), expect);
    };
    check(
        [9; 32],
        "3488ce6ee51e8f4714753329cc407d2cf86182fcc219006a12d8b3622ba30037",
    );
    check(
        counting,
        "c2fe00831ca0547f3da65606ab3de323e515477092208d51db3ea6a2f662dbab",
    );
}
