//! CLE subtypes: ids and both classification schemes.

use instruments::subtype::{Category, Scheme, Subtype};

#[test]
fn categories_under_both_schemes() {
    #[track_caller]
    fn check(id: &str, gilliam: Category, dusseldorf: Category) {
        let subtype: Subtype = id.parse().unwrap();
        assert_eq!(subtype.category(Scheme::Gilliam), gilliam, "{id} Gilliam");
        assert_eq!(
            subtype.category(Scheme::Dusseldorf),
            dusseldorf,
            "{id} Duesseldorf"
        );
    }
    use Category::{Acle, Ccle, Icle, Other, Scle};
    check("acle_localized", Acle, Acle);
    check("acle_generalized", Acle, Acle);
    check("scle_annular", Scle, Scle);
    check("scle_papulosquamous", Scle, Scle);
    check("dle_localized", Ccle, Ccle);
    check("dle_generalized", Ccle, Ccle);
    check("dle_hypertrophic", Ccle, Ccle);
    check("dle_mucosal", Ccle, Ccle);
    check("lupus_profundus", Ccle, Ccle);
    check("chilblain", Ccle, Ccle);
    // The one difference: LE tumidus [S12, S40].
    check("tumidus", Ccle, Icle);
    check("other", Other, Other);
}

#[test]
fn ids_round_trip_through_text_and_json() {
    for subtype in Subtype::ALL {
        assert_eq!(subtype.to_string().parse::<Subtype>(), Ok(subtype));
        let json = serde_json::to_value(subtype).unwrap();
        assert_eq!(json, subtype.id());
        assert_eq!(serde_json::from_value::<Subtype>(json).unwrap(), subtype);
    }
    let error = "dle".parse::<Subtype>().unwrap_err().to_string();
    assert!(
        error.contains("'dle'") && error.contains("dle_localized"),
        "{error}"
    );
}

#[test]
fn classic_dle_extent_is_the_neck() {
    assert_eq!(Subtype::classic_dle(false), Subtype::DleLocalized);
    assert_eq!(Subtype::classic_dle(true), Subtype::DleGeneralized);
    let dle: Vec<_> = Subtype::ALL.into_iter().filter(|s| s.is_dle()).collect();
    assert_eq!(
        dle,
        [
            Subtype::DleLocalized,
            Subtype::DleGeneralized,
            Subtype::DleHypertrophic,
            Subtype::DleMucosal
        ]
    );
}

#[test]
fn labels_name_each_subtype_once_and_keep_its_category() {
    let labels: std::collections::BTreeSet<&str> =
        Subtype::ALL.iter().map(|subtype| subtype.label()).collect();
    assert_eq!(labels.len(), Subtype::ALL.len(), "{labels:?}");
    for subtype in Subtype::ALL {
        let label = subtype.label();
        let expect = match subtype.category(Scheme::Gilliam) {
            Category::Acle => "ACLE",
            Category::Scle => "SCLE",
            _ => "",
        };
        assert!(label.starts_with(expect), "{subtype:?}: {label}");
    }
}
