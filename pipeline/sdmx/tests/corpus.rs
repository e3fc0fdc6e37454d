//! The broken-file corpus: `validate_file` reports the expected problem for
//! each file of `data/broken/` (listed in `data/broken/expected.csv`, built
//! from `data/good/` by `data/make_broken.py`), and nothing for the good
//! files, one per format.

mod common;

use common::*;
use sdmx::*;

#[test]
fn good_files_have_no_problems() {
    let structures = test_structures();
    let mut count = 0;
    for entry in std::fs::read_dir(data("good")).unwrap() {
        let path = entry.unwrap().path();
        let problems = validate_file(&path, &structures).unwrap();
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
        count += 1;
    }
    assert_eq!(count, 5, "one good file per format");
}

#[test]
fn every_broken_file_reports_its_expected_problem() {
    let structures = test_structures();
    let expected = std::fs::read_to_string(data("broken/expected.csv")).unwrap();
    let mut lines = expected.lines();
    assert_eq!(lines.next(), Some("file,component,message_fragment"));
    let mut listed = Vec::new();
    let mut failures = Vec::new();
    for line in lines {
        let mut parts = line.splitn(3, ',');
        let (file, component, fragment) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        listed.push(file.to_string());
        let problems = validate_file(&data(&format!("broken/{file}")), &structures).unwrap();
        if !problems
            .iter()
            .any(|p| p.component == component && p.message.contains(fragment))
        {
            failures.push(format!(
                "{file}: expected {component}: …{fragment}…, got {:#?}",
                problems
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(listed.len() >= 15, "{} broken files", listed.len());
    let mut on_disk: Vec<String> = std::fs::read_dir(data("broken"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.csv")
        .collect();
    on_disk.sort();
    listed.sort();
    assert_eq!(on_disk, listed, "every broken file is listed once");
}

#[test]
fn broken_files_report_only_their_own_problem() {
    // A minimal edit gives one problem, except where one edit is several
    // problems by nature (a missing header Structure also hides the DSD).
    let structures = test_structures();
    let expected = std::fs::read_to_string(data("broken/expected.csv")).unwrap();
    for line in expected.lines().skip(1) {
        let file = line.split(',').next().unwrap();
        let problems = validate_file(&data(&format!("broken/{file}")), &structures).unwrap();
        let allowed = match file {
            "generic21_missing_structure.xml" => 2,
            _ => 1,
        };
        assert!(
            problems.len() <= allowed,
            "{file}: {} problems: {problems:#?}",
            problems.len()
        );
    }
}

#[test]
fn problems_name_the_line() {
    let structures = test_structures();
    let problems = validate_file(&data("broken/ss21_non_numeric_value.xml"), &structures).unwrap();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].message.starts_with("line 26: "), "{problems:?}");
    assert_eq!(
        problems[0].series_key,
        "FRA.A.MST_TEAP_NB.SEX_T.AGE_YTHADULT_YGE15.CBR_BIR_FOREIGN @ 2023"
    );
    let err = validate_file(&data("broken/no_such_file.xml"), &structures).unwrap_err();
    assert!(matches!(err, Error::File { .. }));
}
