use super::draws::Draws;
use super::*;

fn arm(code: &str, ratio: u32) -> Arm {
    Arm {
        code: code.to_owned(),
        label: format!("{code} arm"),
        ratio,
    }
}

fn factor(name: &str, levels: &[&str]) -> Factor {
    Factor {
        name: name.to_owned(),
        levels: levels.iter().map(|l| (*l).to_owned()).collect(),
        weight: 1,
    }
}

fn blocks(multiples: &[u32]) -> Method {
    Method::PermutedBlocks {
        block_multiples: multiples.to_vec(),
    }
}

fn subtype() -> Factor {
    factor("subtype", &["DLE", "SCLE", "ACLE"])
}

fn baseline() -> Factor {
    factor("baseline", &["CLASI-A < 10", "CLASI-A >= 10"])
}

fn site() -> Factor {
    factor("site", &["S01", "S02", "S03", "S04", "S05"])
}

fn secret(seed: u8) -> Secret {
    Secret::from_bytes([seed; 32])
}

/// `Design::new` on `(arms, factors, method)`: `Ok` or the message.
fn check(arms: Vec<Arm>, factors: Vec<Factor>, method: Method, expect: Result<(), &str>) {
    let got = Design::new(arms, factors, method)
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(got, expect.map_err(str::to_owned));
}

#[test]
fn a_design_is_refused_naming_the_field() {
    let two = || vec![arm("A", 1), arm("B", 1)];
    check(two(), vec![], blocks(&[1, 2]), Ok(()));
    check(
        vec![arm("A", 1)],
        vec![],
        blocks(&[1]),
        Err("arms: a randomised design needs at least two arms"),
    );
    check(
        vec![arm("A", 1), arm("A", 1)],
        vec![],
        blocks(&[1]),
        Err("arms[1].code: A is given twice"),
    );
    check(
        vec![arm("A", 1), arm(" ", 1)],
        vec![],
        blocks(&[1]),
        Err("arms[1].code: is empty"),
    );
    let refused_code = |code: &str, expect: &str| {
        check(
            vec![arm("A", 1), arm(code, 1)],
            vec![],
            blocks(&[1]),
            Err(expect),
        );
    };
    check(
        vec![arm("A", 1), arm("ABCDEFG_", 1)],
        vec![],
        blocks(&[1]),
        Ok(()),
    );
    refused_code(
        "ABCDEFGHI",
        "arms[1].code: ABCDEFGHI is not 1 to 8 capital letters, digits or underscores (SDTM's ARMCD)",
    );
    refused_code(
        "pbo",
        "arms[1].code: pbo is not 1 to 8 capital letters, digits or underscores (SDTM's ARMCD)",
    );
    refused_code(
        "BLINDED",
        "arms[1].code: BLINDED names subjects outside any arm in the exports; choose another code",
    );
    let mut long = arm("B", 1);
    long.label = "x".repeat(41);
    let mut forty = arm("B", 1);
    forty.label = "x".repeat(40);
    check(vec![arm("A", 1), forty], vec![], blocks(&[1]), Ok(()));
    check(
        vec![arm("A", 1), long],
        vec![],
        blocks(&[1]),
        Err("arms[1].label: has more than 40 characters (SDTM's ARM)"),
    );
    check(
        vec![arm("A", 0), arm("B", 1)],
        vec![],
        blocks(&[1]),
        Err("arms[0].ratio: must be 1 or more"),
    );
    check(
        two(),
        vec![],
        blocks(&[]),
        Err("block_multiples: give at least one block size multiple"),
    );
    check(
        two(),
        vec![],
        blocks(&[0]),
        Err("block_multiples[0]: each multiple is 1 or more and given once"),
    );
    check(
        two(),
        vec![],
        blocks(&[2, 2]),
        Err("block_multiples[1]: each multiple is 1 or more and given once"),
    );
    check(
        two(),
        vec![factor("subtype", &["DLE"])],
        blocks(&[1]),
        Err("factors[0].levels: a factor needs at least two levels"),
    );
    check(
        two(),
        vec![factor("subtype", &["DLE", "DLE"])],
        blocks(&[1]),
        Err("factors[0].levels: DLE is given twice"),
    );
    check(
        two(),
        vec![subtype(), subtype()],
        blocks(&[1]),
        Err("factors[1].name: subtype is given twice"),
    );
    let mut weightless = subtype();
    weightless.weight = 0;
    check(
        two(),
        vec![weightless],
        blocks(&[1]),
        Err("factors[0].weight: must be 1 or more"),
    );
    // percent_best on both sides of 50 and 100.
    let minimise = |percent_best| Method::Minimisation { percent_best };
    check(
        two(),
        vec![subtype()],
        minimise(49),
        Err("percent_best: must be from 50 to 100"),
    );
    check(two(), vec![subtype()], minimise(50), Ok(()));
    check(two(), vec![subtype()], minimise(100), Ok(()));
    check(
        two(),
        vec![subtype()],
        minimise(101),
        Err("percent_best: must be from 50 to 100"),
    );
    check(
        vec![arm("A", 2), arm("B", 1)],
        vec![subtype()],
        minimise(80),
        Err(
            "arms.ratio: minimisation here takes equal ratios only; use permuted blocks for an unequal ratio",
        ),
    );
    check(
        vec![arm("A", 2), arm("B", 2)],
        vec![subtype()],
        minimise(80),
        Ok(()),
    );
    check(
        two(),
        vec![],
        minimise(80),
        Err("factors: minimisation needs at least one factor"),
    );
}

#[test]
fn a_profile_names_every_factor_with_one_of_its_levels() {
    let design = Design::new(
        vec![arm("A", 1), arm("B", 1)],
        vec![subtype(), baseline()],
        blocks(&[1]),
    )
    .expect("design");
    let profile = design
        .profile(&[("baseline", "CLASI-A >= 10"), ("subtype", "SCLE")])
        .expect("profile");
    assert_eq!(profile.levels(), [1, 1]);
    assert_eq!(
        design.stratum(&profile),
        "subtype=SCLE;baseline=CLASI-A >= 10"
    );
    let refused = |levels: &[(&str, &str)]| {
        design
            .profile(levels)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        refused(&[("subtype", "DLE")]),
        Err("factor baseline: no level given".to_owned())
    );
    assert_eq!(
        refused(&[("subtype", "dle"), ("baseline", "CLASI-A < 10")]),
        Err("factor subtype: 'dle' is not one of its levels (DLE, SCLE, ACLE)".to_owned())
    );
    assert_eq!(
        refused(&[
            ("subtype", "DLE"),
            ("baseline", "CLASI-A < 10"),
            ("sex", "F")
        ]),
        Err("'sex' is not a factor of the design".to_owned())
    );
}

#[test]
fn the_strata_are_every_combination_of_levels() {
    let design = Design::new(
        vec![arm("A", 1), arm("B", 1)],
        vec![subtype(), baseline()],
        blocks(&[1]),
    )
    .expect("design");
    let names: Vec<String> = design.strata().iter().map(|p| design.stratum(p)).collect();
    assert_eq!(
        names,
        [
            "subtype=DLE;baseline=CLASI-A < 10",
            "subtype=DLE;baseline=CLASI-A >= 10",
            "subtype=SCLE;baseline=CLASI-A < 10",
            "subtype=SCLE;baseline=CLASI-A >= 10",
            "subtype=ACLE;baseline=CLASI-A < 10",
            "subtype=ACLE;baseline=CLASI-A >= 10",
        ]
    );
    let unstratified =
        Design::new(vec![arm("A", 1), arm("B", 1)], vec![], blocks(&[1])).expect("design");
    let names: Vec<String> = unstratified
        .strata()
        .iter()
        .map(|p| unstratified.stratum(p))
        .collect();
    assert_eq!(names, ["all"]);
}

#[test]
fn a_secret_is_64_hex_digits_and_never_printed() {
    let hex = "00".repeat(31) + "ff";
    let secret = Secret::from_hex(&hex).expect("64 digits");
    assert_eq!(secret.bytes()[31], 0xff);
    assert_eq!(format!("{secret:?}"), "Secret(not shown)");
    for bad in [
        "0".repeat(63),
        "0".repeat(65),
        "g".repeat(64),
        String::new(),
    ] {
        assert!(
            Secret::from_hex(&bad)
                .unwrap_err()
                .to_string()
                .starts_with("secret: 64 hexadecimal digits"),
            "{bad}"
        );
    }
}

/// The random numbers are HMAC-SHA256 as the module documents it: the values below were computed
/// with Python's `hmac` module (key bytes 0..31; message "cletrial allocation v1\0blocks\0all\00\0"
/// and the block counter as 8 big-endian bytes), not with this code.
#[test]
fn the_random_numbers_are_hmac_sha256_of_the_documented_message() {
    let secret = Secret::from_bytes(std::array::from_fn(|i| i as u8));
    let mut draws = Draws::new(&secret, &["blocks", "all", "0"]);
    let first: Vec<u64> = (0..5).map(|_| draws.next_u64()).collect();
    assert_eq!(
        first,
        [
            0x7db2_5922_343c_de08,
            0x3be8_43e9_a985_2e00,
            0x5b68_954e_bf1d_054f,
            0xb22c_ee7f_6e99_db5f,
            0x78bc_fe69_0587_e996,
        ]
    );
}

/// A deterministic stream of profiles: each factor's level uniform, from their own stream.
fn profiles(design: &Design, n: usize) -> Vec<Profile> {
    let mut draws = Draws::new(&secret(200), &["test profiles"]);
    (0..n)
        .map(|_| {
            Profile(
                design
                    .factors()
                    .iter()
                    .map(|factor| draws.below(factor.levels.len() as u64) as usize)
                    .collect(),
            )
        })
        .collect()
}

/// `|x - n p| <= 4 sqrt(n p (1 - p))`: within four standard deviations of a binomial mean. With
/// fixed secrets the test is deterministic; the bound says the count is what chance gives.
fn binomial_agrees(x: u64, n: u64, p: f64) -> bool {
    let n = n as f64;
    (x as f64 - n * p).abs() <= 4.0 * (n * p * (1.0 - p)).sqrt()
}

const SUBJECTS: usize = 10_000;

/// Stratified permuted blocks over 10,000 enrolments, 1:1 with blocks of 2, 4 or 6 and 2:1 with
/// blocks of 3 or 6, six strata: in every stratum after every subject, each arm's count is within
/// `m_max r_a (R - r_a) / R` of its share (blocks.rs), the bound is reached (it is the tightest
/// bound), and the stratum's assignments are its list regenerated from the secret alone.
#[test]
fn permuted_blocks_keep_every_stratum_within_its_bound_and_follow_the_list() {
    for (arms, multiples) in [
        (vec![arm("A", 1), arm("B", 1)], vec![1, 2, 3]),
        (vec![arm("A", 2), arm("B", 1)], vec![1, 2]),
    ] {
        let m_max = u64::from(*multiples.iter().max().expect("multiples"));
        let design =
            Design::new(arms, vec![subtype(), baseline()], blocks(&multiples)).expect("design");
        let ratio_sum = u64::from(design.ratio_sum());
        let mut allocator = Allocator::new(&design, secret(1));
        let mut counts: HashMap<String, Vec<u64>> = HashMap::new();
        let mut sequences: HashMap<String, Vec<usize>> = HashMap::new();
        let mut bound_reached = false;
        for profile in profiles(&design, SUBJECTS) {
            let assignment = allocator.assign(&profile);
            let stratum = counts
                .entry(assignment.stratum.clone())
                .or_insert_with(|| vec![0; 2]);
            stratum[assignment.arm] += 1;
            sequences
                .entry(assignment.stratum)
                .or_default()
                .push(assignment.arm);
            let n: u64 = stratum.iter().sum();
            for (a, arm) in design.arms().iter().enumerate() {
                let r = u64::from(arm.ratio);
                let deviation = (stratum[a] * ratio_sum).abs_diff(n * r);
                let bound = m_max * r * (ratio_sum - r);
                assert!(deviation <= bound, "{counts:?}");
                bound_reached |= deviation == bound;
            }
        }
        assert!(bound_reached, "{multiples:?}: the bound is the tightest");
        assert_eq!(sequences.len(), 6);
        for (stratum, sequence) in &sequences {
            let list: Vec<usize> =
                blocks::schedule(&design, &secret(1), stratum, sequence.len() as u64)
                    .expect("a block design has a list")
                    .into_iter()
                    .flat_map(|block| block.arms)
                    .take(sequence.len())
                    .collect();
            assert_eq!(&list, sequence, "{stratum}");
        }
    }
}

/// The same secret and enrolments give the same 10,000 arms; another secret gives a list that
/// agrees with it no more than chance does.
#[test]
fn the_list_is_the_same_when_regenerated_and_another_secret_gives_another() {
    for method in [
        blocks(&[1, 2, 3]),
        Method::Minimisation { percent_best: 80 },
    ] {
        let design = Design::new(
            vec![arm("A", 1), arm("B", 1)],
            vec![subtype(), baseline(), site()],
            method,
        )
        .expect("design");
        let people = profiles(&design, SUBJECTS);
        let run = |seed| {
            let mut allocator = Allocator::new(&design, secret(seed));
            people
                .iter()
                .map(|p| allocator.assign(p).arm)
                .collect::<Vec<_>>()
        };
        let first = run(7);
        assert_eq!(first, run(7), "{:?}", design.method());
        let same = first.iter().zip(run(8)).filter(|(a, b)| **a == *b).count() as u64;
        // Minimisation agrees more than chance: both secrets balance the same margins.
        if matches!(design.method(), Method::PermutedBlocks { .. }) {
            assert!(binomial_agrees(same, SUBJECTS as u64, 0.5), "{same}");
        } else {
            assert!(same < SUBJECTS as u64, "{same}");
        }
    }
}

/// Nothing carries over from one block to the next: over every block of six strata the first
/// arm is each arm half the time, agrees with the previous block's last arm half the time, and
/// each block size is drawn a third of the time. Within a block, someone who sees the arms does
/// better than chance, as theory says: the convergence guess (the arm behind so far in the
/// stratum; either at a tie) is right, in a block of 2m, `m + 2^(2m-1) / C(2m, m) - 1/2` times
/// (Blackwell and Hodges, Ann Math Stat 1957;28:449-460): 1.5 of 2, 17/6 of 4, 4.1 of 6, so
/// 8.433 of every 12 places (0.703) with sizes 2, 4 and 6 equally likely. The measured rate
/// is that, which is why arms are concealed rather than trusted to the block sizes.
#[test]
fn a_block_says_nothing_of_the_next_and_guessing_within_blocks_is_bounded() {
    let design = Design::new(
        vec![arm("A", 1), arm("B", 1)],
        vec![subtype(), baseline()],
        blocks(&[1, 2, 3]),
    )
    .expect("design");
    let mut first_a = 0u64;
    let mut carried = 0u64;
    let mut pairs = 0u64;
    let mut sizes = [0u64; 3];
    let mut block_count = 0u64;
    // Right guesses counted twice, so a tie's even chance counts one.
    let (mut guessed_twice, mut guesses) = (0u64, 0u64);
    for profile in profiles(&design, 6) {
        let stratum = design.stratum(&profile);
        let list = blocks::schedule(&design, &secret(3), &stratum, 1500).expect("list");
        let mut behind = [0u64; 2];
        for (i, block) in list.iter().enumerate() {
            block_count += 1;
            first_a += u64::from(block.arms[0] == 0);
            sizes[block.arms.len() / 2 - 1] += 1;
            if i > 0 {
                pairs += 1;
                carried += u64::from(list[i - 1].arms.last() == block.arms.first());
            }
            for &arm in &block.arms {
                guesses += 1;
                guessed_twice += if behind[0] == behind[1] {
                    1
                } else {
                    2 * u64::from(usize::from(behind[1] < behind[0]) == arm)
                };
                behind[arm] += 1;
            }
        }
    }
    assert!(
        binomial_agrees(first_a, block_count, 0.5),
        "{first_a} of {block_count}"
    );
    assert!(binomial_agrees(carried, pairs, 0.5), "{carried} of {pairs}");
    for size in sizes {
        assert!(binomial_agrees(size, block_count, 1.0 / 3.0), "{sizes:?}");
    }
    let rate = guessed_twice as f64 / 2.0 / guesses as f64;
    let theory = (1.5 + 17.0 / 6.0 + 4.1) / 12.0;
    let spread = 4.0 * (theory * (1.0 - theory) / guesses as f64).sqrt();
    assert!((rate - theory).abs() <= spread, "{rate} vs {theory}");
}

/// Minimisation over three factors (subtype, baseline CLASI-A, site: ten margins) keeps every
/// margin within 20 subjects of balance after every one of 10,000 enrolments; with
/// `percent_best` 50 (the best arm no likelier than the other: simple randomisation) the same
/// enrolments leave some margin further out, so the bound tells the methods apart. The random
/// element: where the arms' imbalances differ, the other arm is chosen a fifth of the time.
#[test]
fn minimisation_keeps_every_margin_balanced_with_its_random_element() {
    // 12 is the worst margin here; simple randomisation reaches 160 on the same enrolments.
    let margin_limit = 20;
    let factors = vec![subtype(), baseline(), site()];
    let worst = |percent_best| {
        let design = Design::new(
            vec![arm("A", 1), arm("B", 1)],
            factors.clone(),
            Method::Minimisation { percent_best },
        )
        .expect("design");
        let mut allocator = Allocator::new(&design, secret(5));
        let mut worst = 0;
        let (mut chose_other, mut choices) = (0u64, 0u64);
        for profile in profiles(&design, SUBJECTS) {
            let imbalance: Vec<u64> = (0..2)
                .map(|a| allocator.counts.imbalance(&profile, a))
                .collect();
            let arm = allocator.assign(&profile).arm;
            if imbalance[0] != imbalance[1] {
                choices += 1;
                chose_other += u64::from(imbalance[arm] > imbalance[1 - arm]);
            }
            for margin in allocator.counts.counts.iter().flatten() {
                worst = worst.max(margin[0].abs_diff(margin[1]));
            }
        }
        (worst, chose_other, choices)
    };
    let (balanced, chose_other, choices) = worst(80);
    assert!(balanced <= margin_limit, "{balanced}");
    assert!(
        binomial_agrees(chose_other, choices, 0.2),
        "{chose_other} of {choices}"
    );
    let (random, ..) = worst(50);
    assert!(random > margin_limit, "{random}");
}

/// Where every arm's imbalance is the same (the first subject), each arm is equally likely:
/// over 4,000 secrets the first subject joins arm A half the time.
#[test]
fn minimisation_breaks_ties_at_random() {
    let design = Design::new(
        vec![arm("A", 1), arm("B", 1)],
        vec![subtype()],
        Method::Minimisation { percent_best: 100 },
    )
    .expect("design");
    let profile = design.profile(&[("subtype", "DLE")]).expect("profile");
    let trials = 4000u64;
    let a = (0..trials)
        .filter(|seed| {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&seed.to_be_bytes());
            Allocator::new(&design, Secret::from_bytes(bytes))
                .assign(&profile)
                .arm
                == 0
        })
        .count() as u64;
    assert!(binomial_agrees(a, trials, 0.5), "{a}");
}

#[test]
fn minimisation_has_no_list_made_in_advance() {
    let design = Design::new(
        vec![arm("A", 1), arm("B", 1)],
        vec![subtype()],
        Method::Minimisation { percent_best: 80 },
    )
    .expect("design");
    assert_eq!(
        blocks::schedule(&design, &secret(1), "all", 3)
            .unwrap_err()
            .to_string(),
        "method: minimisation has no list made in advance: replay the enrolments instead"
    );
}
