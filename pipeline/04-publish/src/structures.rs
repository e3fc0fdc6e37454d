//! The SDMX structures publish needs: parsed from the bundled reference data and checked
//! against the registry.

use std::path::Path;

use migstat_artefacts::reference::Reference;
use migstat_artefacts::{atomic, Error, Result};

/// Codelists, concept schemes, DSDs and dataflows, parsed.
pub struct Structures {
    /// Everything parsed, merged.
    pub set: sdmx::StructureSet,
    messages: Vec<(&'static str, &'static str)>,
}

impl Structures {
    /// Parses the structure messages of the reference data and checks that every
    /// dataflow, DSD and code the registry uses exists.
    pub fn load(reference: &Reference) -> Result<Structures> {
        let mut set = sdmx::StructureSet::default();
        let messages: Vec<_> = reference.structure_messages().collect();
        for (name, text) in &messages {
            let part = sdmx::StructureSet::from_reader(text.as_bytes())
                .map_err(|e| Error::reference(*name, e.to_string()))?;
            set.merge(part);
        }
        let structures = Structures { set, messages };
        structures.check(reference)?;
        Ok(structures)
    }

    fn check(&self, reference: &Reference) -> Result<()> {
        let file = "schemas/dataflows.toml";
        let has = |cl: &str, code: &str| self.set.codelist(cl).is_some_and(|c| c.contains(code));
        for d in &reference.registry.dataflows {
            if self.set.dataflow(&d.id).is_none() {
                return Err(Error::reference(
                    file,
                    format!("dataflow {} has no structure in schemas/dsd/", d.id),
                ));
            }
            if self.set.data_structure(d.structure_id()).is_none() {
                return Err(Error::reference(
                    file,
                    format!("DSD {} is not in schemas/dsd/", d.structure_id()),
                ));
            }
            // The codelist the DSD gives MEASURE: ILO's CL_MEASURE, or the constructed
            // one (agency MIGSTAT) for a measure ILO has no code for.
            let measure_codelist = self
                .set
                .data_structure(d.structure_id())
                .and_then(|dsd| dsd.dimensions.iter().find(|dim| dim.id == "MEASURE"))
                .and_then(|dim| dim.representation.as_ref())
                .and_then(|r| r.codelist())
                .map_or("CL_MEASURE", |r| r.id.as_str());
            if !has(measure_codelist, &d.measure) {
                return Err(Error::reference(
                    file,
                    format!("measure {} is not in {measure_codelist}", d.measure),
                ));
            }
        }
        for (id, b) in &reference.registry.breakdowns {
            // The codelist of the breakdown's SDMX dimension (CBR_BRT feeds CBR). The codes
            // of an `observed` breakdown are not listed: the country-detail codes it can
            // take are checked below.
            let dim = b.dimension(id);
            let cl = format!("CL_{dim}");
            let bands = reference
                .age_bands
                .iter()
                .map(|a| &a.code)
                .filter(|_| b.bands.is_some());
            if let Some(bad) = b
                .codes
                .iter()
                .chain(&b.total)
                .chain(bands)
                .find(|c| !has(&cl, c))
            {
                return Err(Error::reference(
                    file,
                    format!("breakdown {id}: code {bad} is not in {cl}"),
                ));
            }
        }
        let detail = "codelists/country_detail.csv";
        for (country, d) in &reference.country_detail {
            for (cl, code) in [
                ("CL_CBR", d.cbr.as_deref()),
                ("CL_CCT", Some(d.cct.as_str())),
            ] {
                if let Some(bad) = code.filter(|c| !has(cl, c)) {
                    return Err(Error::reference(
                        detail,
                        format!("{country}: code {bad} is not in {cl}"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks that the config's `ref_area` is a CL_AREA code.
    pub fn check_ref_area(&self, config: &migstat_artefacts::config::Config) -> Result<()> {
        let area = &config.survey.ref_area;
        if self
            .set
            .codelist("CL_AREA")
            .is_some_and(|cl| cl.contains(area))
        {
            Ok(())
        } else {
            Err(Error::config(
                &config.file,
                format!("survey.ref_area = {area:?}: not a code of ILO's CL_AREA"),
            ))
        }
    }

    /// Writes the structure messages the published files conform to into `dir`; returns
    /// the file names.
    pub fn write_into(&self, dir: &Path) -> Result<Vec<String>> {
        let mut names = Vec::new();
        for (path, text) in &self.messages {
            let name = Path::new(path)
                .file_name()
                .expect("bundled files have names")
                .to_string_lossy()
                .into_owned();
            atomic::write_file(&dir.join(&name), text.as_bytes())?;
            names.push(name);
        }
        Ok(names)
    }
}
