//! The SDMX reader: arbitrary bytes as a data message (read against the bundled ILO
//! structures) and as a structure message. Any `Err` is fine; a panic is a bug.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const BUNDLED: [&str; 2] = [
    include_str!("../../codelists/ILO_codelists.xml"),
    include_str!("../../schemas/dsd/ILO_MST_SEX_AGE_dataflows.xml"),
];

fn structures() -> &'static sdmx::StructureSet {
    static SET: OnceLock<sdmx::StructureSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = sdmx::StructureSet::default();
        for text in BUNDLED {
            let part = sdmx::StructureSet::from_reader(text.as_bytes())
                .expect("the bundled structures parse");
            set.merge(part);
        }
        set
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = sdmx::read_data(data, structures());
    let _ = sdmx::StructureSet::from_reader(data);
});
