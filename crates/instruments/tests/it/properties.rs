//! Properties over random assessments: totals stay within their maxima, and raising any one
//! item never lowers a total.

use instruments::clasi::Clasi;
use instruments::input::read_clasi;
use instruments::sledai::{Descriptor, Sledai2k, Window};
use proptest::prelude::*;
use serde_json::{Value, json};

/// A random complete CLASI document, as JSON.
fn clasi_document() -> impl Strategy<Value = Value> {
    let area = (0..=3u8, 0..=2u8, 0..=1u8, 0..=2u8);
    (
        proptest::collection::vec(area, 13),
        (0..=1u8, 0..=1u8, 0..=3u8),
        proptest::sample::select(vec![0u8, 3, 4, 5, 6]),
        any::<bool>(),
    )
        .prop_map(
            |(areas, (mucous, hair, alopecia), scarring_alopecia, lasts)| {
                let names = [
                    "scalp",
                    "ears",
                    "nose_malar",
                    "rest_of_face",
                    "v_neck",
                    "posterior_neck_shoulders",
                    "chest",
                    "abdomen",
                    "back_buttocks",
                    "arms",
                    "hands",
                    "legs",
                    "feet",
                ];
                let mut map = serde_json::Map::new();
                for (name, (erythema, scale, dys, scarring)) in names.into_iter().zip(areas) {
                    let mut item =
                        json!({"erythema": erythema, "scale": scale, "dyspigmentation": dys});
                    if name != "scalp" {
                        item["scarring"] = json!(scarring);
                    }
                    map.insert(name.to_owned(), item);
                }
                json!({
                    "areas": map,
                    "mucous_membrane": mucous,
                    "recent_hair_loss": hair,
                    "nonscarring_alopecia": alopecia,
                    "scarring_alopecia": scarring_alopecia,
                    "dyspigmentation_lasts_12_months": lasts,
                })
            },
        )
}

/// JSON pointers of every scored item of a document.
fn item_pointers(doc: &Value) -> Vec<String> {
    let mut pointers = Vec::new();
    for (area, items) in doc["areas"].as_object().unwrap() {
        for item in items.as_object().unwrap().keys() {
            pointers.push(format!("/areas/{area}/{item}"));
        }
    }
    for item in [
        "mucous_membrane",
        "recent_hair_loss",
        "nonscarring_alopecia",
        "scarring_alopecia",
        "dyspigmentation_lasts_12_months",
    ] {
        pointers.push(format!("/{item}"));
    }
    pointers
}

/// The next level up of an item; past its maximum the reader refuses it.
fn raised(pointer: &str, value: &Value) -> Value {
    match value {
        Value::Bool(_) => json!(true),
        // The scarring alopecia scale jumps from 0 to 3.
        Value::Number(n) if pointer == "/scarring_alopecia" && n.as_u64() == Some(0) => json!(3),
        Value::Number(n) => json!(n.as_u64().unwrap() + 1),
        other => other.clone(),
    }
}

fn totals(doc: &Value) -> Option<(u8, u8)> {
    let clasi: Clasi = read_clasi(&doc.to_string()).ok()?;
    Some((clasi.activity().unwrap(), clasi.damage().unwrap()))
}

proptest! {
    #[test]
    fn clasi_totals_stay_within_maxima(doc in clasi_document()) {
        let (activity, damage) = totals(&doc).unwrap();
        prop_assert!(activity <= Clasi::MAX_ACTIVITY);
        prop_assert!(damage <= Clasi::MAX_DAMAGE);
    }

    #[test]
    fn clasi_survives_a_json_round_trip(doc in clasi_document()) {
        let clasi = read_clasi(&doc.to_string()).unwrap();
        let again = read_clasi(&serde_json::to_string(&clasi).unwrap()).unwrap();
        prop_assert_eq!(again, clasi);
    }

    #[test]
    fn raising_one_clasi_item_never_lowers_a_total(doc in clasi_document(), pick in any::<proptest::sample::Index>()) {
        let before = totals(&doc).unwrap();
        let pointers = item_pointers(&doc);
        let pointer = &pointers[pick.index(pointers.len())];
        let mut after_doc = doc.clone();
        let item = after_doc.pointer_mut(pointer).unwrap();
        *item = raised(pointer, item);
        // At its maximum the raised value is refused: nothing to compare.
        if let Some(after) = totals(&after_doc) {
            prop_assert!(after.0 >= before.0 && after.1 >= before.1, "{pointer}: {before:?} -> {after:?}");
        }
    }

    #[test]
    fn sledai_stays_within_105_and_adding_a_descriptor_never_lowers_it(
        present in proptest::collection::btree_set(proptest::sample::select(Descriptor::ALL.to_vec()), 0..24),
        extra in proptest::sample::select(Descriptor::ALL.to_vec()),
    ) {
        let mut sledai = Sledai2k { descriptors: present, window: Window::Days10 };
        let before = sledai.score();
        prop_assert!(before <= 105);
        sledai.descriptors.insert(extra);
        prop_assert!(sledai.score() >= before);
    }
}
