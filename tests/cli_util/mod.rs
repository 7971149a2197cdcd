//! Shared helpers for the CLI tests: run the built `physreg` binary against
//! file-backed devices (a regular file standing in for physical memory).
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_physreg");

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stdout_bytes: Vec<u8>,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Self {
        let code = match out.status.code() {
            Some(c) => c,
            None => {
                use std::os::unix::process::ExitStatusExt;
                128 + out.status.signal().unwrap_or(0)
            }
        };
        Run {
            code,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stdout_bytes: out.stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success; stderr: {}", self.stderr);
        &self.stdout
    }

    /// Asserts the exit code, one line on stderr (no panic, no backtrace), and
    /// returns that line.
    #[track_caller]
    pub fn fails(&self, code: i32) -> &str {
        assert_eq!(
            self.code, code,
            "expected exit {code}; stdout: {:?} stderr: {:?}",
            self.stdout, self.stderr
        );
        assert_one_line(&self.stderr);
        self.stderr.trim_end()
    }
}

/// Asserts that stderr is exactly one line and no panic.
#[track_caller]
pub fn assert_one_line(stderr: &str) {
    assert!(
        stderr.ends_with('\n') && stderr.trim_end().lines().count() == 1,
        "stderr must be one line, got: {stderr:?}"
    );
    assert!(
        !stderr.contains("panicked")
            && !stderr.contains("internal error")
            && !stderr.contains("RUST_BACKTRACE"),
        "panic: {stderr}"
    );
}

/// A temporary folder with a memory image and a private lock file.
pub struct Mem {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Mem {
    /// A zeroed image of `size` bytes (file offset = address).
    pub fn new(size: u64) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mem.bin");
        let f = std::fs::File::create(&path).expect("create image");
        f.set_len(size).expect("size image");
        Mem { dir, path }
    }

    /// Writes bytes at an offset.
    pub fn poke(&self, offset: u64, bytes: &[u8]) {
        use std::os::unix::fs::FileExt;
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&self.path)
            .expect("open image");
        f.write_all_at(bytes, offset).expect("poke");
    }

    /// Writes a little-endian u32.
    pub fn poke32(&self, offset: u64, v: u32) {
        self.poke(offset, &v.to_le_bytes());
    }

    /// Reads bytes at an offset.
    pub fn peek(&self, offset: u64, len: usize) -> Vec<u8> {
        use std::os::unix::fs::FileExt;
        let f = std::fs::File::open(&self.path).expect("open image");
        let mut buf = vec![0; len];
        f.read_exact_at(&mut buf, offset).expect("peek");
        buf
    }

    /// Reads a little-endian u32.
    pub fn peek32(&self, offset: u64) -> u32 {
        u32::from_le_bytes(self.peek(offset, 4).try_into().unwrap())
    }

    /// The whole image.
    pub fn contents(&self) -> Vec<u8> {
        std::fs::read(&self.path).expect("read image")
    }

    /// A file in the temporary folder.
    pub fn file(&self, name: &str, contents: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, contents).expect("write file");
        p
    }

    /// `physreg --device IMAGE ARGS...`.
    pub fn cmd<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut c = physreg_cmd(self.dir.path());
        c.arg("--device").arg(&self.path).args(args);
        c
    }

    /// Runs `physreg --device IMAGE ARGS...`.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run_cmd(self.cmd(args))
    }

    /// Runs with `input` on standard input.
    pub fn run_stdin<I, S>(&self, args: I, input: &str) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run_with_stdin(self.cmd(args), input.as_bytes())
    }
}

/// The binary with a clean environment: no PHYSREG_* from the caller, and
/// the lock file inside `dir`.
pub fn physreg_cmd(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("PHYSREG_") {
            c.env_remove(k);
        }
    }
    c.env("PHYSREG_LOCK_FILE", dir.join("physreg.lock"));
    c.stdin(Stdio::null());
    c
}

/// Runs `physreg ARGS...` with no device.
pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let dir = std::env::temp_dir();
    let mut c = physreg_cmd(&dir);
    c.args(args);
    run_cmd(c)
}

/// Runs a prepared command.
pub fn run_cmd(mut c: Command) -> Run {
    Run::from(c.output().expect("run physreg"))
}

/// Runs a prepared command with bytes on standard input.
pub fn run_with_stdin(mut c: Command, input: &[u8]) -> Run {
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn physreg");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait physreg");
    writer.join().expect("stdin writer");
    Run::from(out)
}

/// Parses each line of `stdout` as a JSON object.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect()
}
