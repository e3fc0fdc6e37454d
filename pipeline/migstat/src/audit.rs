//! For auditors: `migstat verify DIR` (is every recorded file still what the manifest
//! says?) and `migstat replay DIR/manifest.json` (does rerunning the recorded stages from
//! their recorded inputs give the same bytes?).

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use migstat_artefacts::layout::RunDir;
use migstat_artefacts::manifest::{FileRecord, Manifest, PathBase};
use migstat_artefacts::reference::Reference;
use migstat_artefacts::Error;

use crate::failure::Failure;
use crate::log;
use crate::runner::{run_stage, Job, Stage};

/// The run folder of a manifest.
fn run_folder(manifest: &Path) -> PathBuf {
    manifest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

/// Where the config file of a manifest is, and its folder.
fn config_location(manifest: &Manifest, dir: &Path) -> (PathBuf, PathBuf) {
    let file = manifest.config.file.locate(dir, dir);
    let folder = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    (file, folder)
}

/// `migstat verify DIR`: every file the manifest names (config, inputs, outputs) is
/// there with its recorded SHA-256, and the artefact folders hold no file it does not
/// name. One line per file on standard output.
pub fn verify(dir: &Path) -> Result<(), Failure> {
    let run = RunDir::new(dir);
    let manifest = Manifest::read(&run.manifest())?;
    let (config_file, config_dir) = config_location(&manifest, dir);
    let mut problems = Vec::new();
    let mut checked = 0usize;
    let mut seen = BTreeSet::new();
    let mut check = |what: &str, record: &FileRecord, path: PathBuf| {
        if !seen.insert(path.clone()) {
            return;
        }
        checked += 1;
        match record.check(&path) {
            Ok(()) => println!("ok        {what} {}", path.display()),
            Err(why) => {
                println!("MISMATCH  {what} {}: {why}", path.display());
                problems.push(format!("{what} {}: {why}", path.display()));
            }
        }
    };
    check("config", &manifest.config.file, config_file);
    let mut recorded_outputs = BTreeSet::new();
    for stage in &manifest.stages {
        for input in &stage.inputs {
            let what = format!("{} input", stage.stage);
            check(&what, input, input.locate(dir, &config_dir));
        }
        for output in &stage.outputs {
            let what = format!("{} output", stage.stage);
            if output.base == Some(PathBase::Run) {
                recorded_outputs.insert(output.path.clone());
            }
            check(&what, output, output.locate(dir, &config_dir));
        }
    }
    // Files in the artefact folders that no stage recorded (added or left by hand).
    if manifest.status == "ok" {
        for name in ["ingest", "derive", "tabulate", "sdmx", "structures"] {
            for file in files_below(&dir.join(name)) {
                let rel = format!("{name}/{file}");
                if !recorded_outputs.contains(&rel) {
                    println!("EXTRA     {rel}: not in the manifest");
                    problems.push(format!("{rel}: in the run folder but not in the manifest"));
                }
            }
        }
    }
    // The reference data are bundled in migstat: a newer migstat may carry other
    // versions, which does not make the run's files wrong. Said, not failed.
    let bundled = Reference::bundled()?.file_records();
    for r in &manifest.reference {
        if !bundled.contains(r) {
            println!(
                "note      reference {} sha256 {} differs from this migstat's bundled copy \
                 (a replay with this migstat may differ)",
                r.path, r.sha256
            );
        }
    }
    if manifest.status != "ok" {
        println!(
            "note      the recorded run did not succeed (status {}): {}",
            manifest.status,
            manifest.error.as_deref().unwrap_or("no error recorded")
        );
    }
    if problems.is_empty() {
        log::note(
            "verified",
            &format!(
                "verify: {checked} file(s) match {}",
                run.manifest().display()
            ),
        );
        Ok(())
    } else {
        Err(Failure::Mismatch { problems })
    }
}

/// `migstat replay DIR/manifest.json [--stage S]`: reruns the recorded stages (all of
/// them, chained from the recorded microdata; or stage S alone from its recorded input
/// artefacts in DIR) in a temporary folder with the recorded config and `Prepared`
/// time, and compares every output with the recorded one: `identical`, or where the
/// first difference is.
pub fn replay(
    manifest_path: &Path,
    stage: Option<Stage>,
    config_override: Option<&Path>,
) -> Result<(), Failure> {
    let manifest = Manifest::read(manifest_path)?;
    let dir = run_folder(manifest_path);
    let (recorded_config, _) = config_location(&manifest, &dir);
    let config_path = config_override
        .map(Path::to_path_buf)
        .unwrap_or(recorded_config);
    let mut job = Job::load(&config_path)?;
    let stages: Vec<Stage> = match stage {
        Some(s) => vec![s],
        None => Stage::ALL
            .into_iter()
            .filter(|s| manifest.stage(s.name()).is_some())
            .collect(),
    };
    if stages.is_empty() {
        return Err(Failure::Mismatch {
            problems: vec![format!(
                "{}: records no stage to replay",
                manifest_path.display()
            )],
        });
    }
    let mut differences = Vec::new();
    // The config: the replay uses the file, which must say what the recorded run used.
    let fresh = job.manifest(&dir)?;
    // A different config is a difference; the same settings written differently (a
    // comment), or the same file normalised by another migstat (a new key with its
    // default), are not.
    let same_file = fresh.config.file.sha256 == manifest.config.file.sha256;
    let same_settings = fresh.config.sha256 == manifest.config.sha256;
    if !same_file && !same_settings {
        let why = format!(
            "config {}: sha256 {} and normalised sha256 {}, recorded {} and {}",
            config_path.display(),
            fresh.config.file.sha256,
            fresh.config.sha256,
            manifest.config.file.sha256,
            manifest.config.sha256
        );
        println!("differs   {why}");
        differences.push(why);
    } else if !same_settings {
        println!(
            "note      config {}: the same file, normalised differently by this migstat",
            config_path.display()
        );
    }
    if fresh.reference != manifest.reference {
        println!("note      this migstat's bundled reference data differ from the recorded ones");
    }
    if let Some(p) = manifest
        .stage("publish")
        .and_then(|s| s.parameters.get("prepared"))
    {
        job.config.publish.prepared = Some(p.clone());
    }

    let temp = tempfile::Builder::new()
        .prefix("migstat-replay-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let scratch = RunDir::new(temp.path());
    // The first stage's inputs, as recorded: the microdata (ingest) or artefacts in DIR.
    let first = manifest
        .stage(stages[0].name())
        .ok_or_else(|| Failure::Mismatch {
            problems: vec![format!(
                "{}: no record of stage {} to replay",
                manifest_path.display(),
                stages[0].name()
            )],
        })?;
    let mut missing = Vec::new();
    for input in &first.inputs {
        let from = input.locate(&dir, &job.config_dir());
        if let Err(why) = input.check(&from) {
            missing.push(format!("{} input {}: {why}", first.stage, from.display()));
            continue;
        }
        if input.base == Some(PathBase::Run) {
            let to = scratch.root().join(&input.path);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::copy(&from, &to).map_err(|e| Error::io(&to, e))?;
        }
    }
    if !missing.is_empty() {
        return Err(Failure::Mismatch { problems: missing });
    }

    let mut compared = 0usize;
    for stage in stages {
        let recorded = manifest.stage(stage.name());
        let replayed = run_stage(stage, &mut job, &scratch, temp.path())?;
        let Some(recorded) = recorded else {
            continue;
        };
        if replayed.counts != recorded.counts {
            let why = format!(
                "{} counts: replayed {:?}, recorded {:?}",
                stage.name(),
                replayed.counts,
                recorded.counts
            );
            println!("differs   {why}");
            differences.push(why);
        }
        for output in &recorded.outputs {
            compared += 1;
            let again = replayed.outputs.iter().find(|o| o.path == output.path);
            let verdict = match again {
                None => Some("not written by the replay".to_string()),
                Some(again) if again.sha256 == output.sha256 => None,
                Some(again) => Some(first_difference_text(
                    &scratch.root().join(&again.path),
                    &output.locate(&dir, &job.config_dir()),
                    again,
                    output,
                )),
            };
            match verdict {
                None => println!("identical {}", output.path),
                Some(why) => {
                    println!("differs   {}: {why}", output.path);
                    differences.push(format!("{}: {why}", output.path));
                }
            }
        }
        for extra in &replayed.outputs {
            if !recorded.outputs.iter().any(|o| o.path == extra.path) {
                compared += 1;
                println!(
                    "differs   {}: written by the replay, not recorded",
                    extra.path
                );
                differences.push(format!("{}: not recorded", extra.path));
            }
        }
    }
    if differences.is_empty() {
        log::note(
            "replayed",
            &format!("replay: all {compared} artefact(s) identical"),
        );
        Ok(())
    } else {
        Err(Failure::ReplayDiffers {
            differing: differences.len(),
            compared,
        })
    }
}

/// Where a replayed file first differs from the recorded one in the run folder.
fn first_difference_text(
    replayed: &Path,
    recorded: &Path,
    again: &FileRecord,
    output: &FileRecord,
) -> String {
    let sizes = format!(
        "replayed {} bytes, recorded {} bytes",
        again.bytes, output.bytes
    );
    if output.check(recorded).is_err() {
        return format!(
            "sha256 {} differs from the recorded {} ({sizes}); the run folder's copy is \
             missing or changed, so no byte offset (see migstat verify)",
            again.sha256, output.sha256
        );
    }
    match first_difference(replayed, recorded) {
        Ok(Some(offset)) => format!("first difference at byte {offset} ({sizes})"),
        Ok(None) => format!("sha256 differs but the bytes compare equal ({sizes})"),
        Err(e) => format!("cannot compare: {e}"),
    }
}

/// The offset of the first byte where two files differ (the shorter length when one is
/// a prefix of the other); `None` when they are equal.
pub fn first_difference(a: &Path, b: &Path) -> std::io::Result<Option<u64>> {
    let mut a = BufReader::with_capacity(1 << 16, File::open(a)?);
    let mut b = BufReader::with_capacity(1 << 16, File::open(b)?);
    let (mut buf_a, mut buf_b) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    let mut offset = 0u64;
    loop {
        let n = read_full(&mut a, &mut buf_a)?;
        let m = read_full(&mut b, &mut buf_b)?;
        let common = n.min(m);
        if let Some(i) = buf_a[..common]
            .iter()
            .zip(&buf_b[..common])
            .position(|(x, y)| x != y)
        {
            return Ok(Some(offset + i as u64));
        }
        if n != m {
            return Ok(Some(offset + common as u64));
        }
        if n == 0 {
            return Ok(None);
        }
        offset += n as u64;
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = r.read(&mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// Every file below `dir`, relative with `/`, sorted; none when `dir` does not exist.
fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(
                    rel.components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/"),
                );
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_difference_is_found_across_buffer_boundaries() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let mut bytes = vec![7u8; 200_000];
        std::fs::write(&a, &bytes).unwrap();
        std::fs::write(&b, &bytes).unwrap();
        assert_eq!(first_difference(&a, &b).unwrap(), None);
        bytes[150_001] = 8;
        std::fs::write(&b, &bytes).unwrap();
        assert_eq!(first_difference(&a, &b).unwrap(), Some(150_001));
        std::fs::write(&b, &bytes[..1000]).unwrap();
        assert_eq!(first_difference(&a, &b).unwrap(), Some(1000));
    }
}
