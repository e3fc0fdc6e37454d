//! Embeds the git commit migstat is built from (`MIGSTAT_GIT_COMMIT`), for the manifest.
//!
//! `git rev-parse HEAD` when the source is a git checkout and git is installed; else the
//! `MIGSTAT_GIT_COMMIT` environment variable (for builds from a source archive); else
//! `unknown`. Never fails the build.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=MIGSTAT_GIT_COMMIT");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit =
        git(&dir, &["rev-parse", "HEAD"]).filter(|c| c.bytes().all(|b| b.is_ascii_hexdigit()));
    if commit.is_some() {
        // Rebuild when HEAD moves: HEAD itself, the branch it points to, packed refs.
        if let Some(git_dir) = git(&dir, &["rev-parse", "--absolute-git-dir"]) {
            let git_dir = PathBuf::from(git_dir);
            for f in ["HEAD", "packed-refs"] {
                let p = git_dir.join(f);
                if p.exists() {
                    println!("cargo:rerun-if-changed={}", p.display());
                }
            }
            if let Some(branch) = git(&dir, &["symbolic-ref", "-q", "HEAD"]) {
                let p = git_dir.join(branch);
                if p.exists() {
                    println!("cargo:rerun-if-changed={}", p.display());
                }
            }
        }
    }
    let commit = commit
        .or_else(|| {
            std::env::var("MIGSTAT_GIT_COMMIT")
                .ok()
                .filter(|c| !c.trim().is_empty())
        })
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=MIGSTAT_GIT_COMMIT={commit}");
}
