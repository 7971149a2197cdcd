//! SIGBUS: nothing answered at a physical address (QEMU virt raises one for a
//! read at 0x0b000000; real SoCs do for unclocked or absent blocks).
//!
//! Before each access the command records the address, width and direction
//! in atomics ([`Access::guard`]); the handler formats one line from them on
//! its own stack, writes it with `write(2)` and ends the process with
//! `_exit(3)`: no core dump, no backtrace, nothing that is not
//! async-signal-safe.
//!
//! A batch keeps its output in memory between writes ([`HeldOutput`]); the
//! handler writes what is held to standard output before its message, so a
//! bus error loses none of the lines before it.

use std::io::{self, Write};
use std::sync::atomic::{
    compiler_fence, AtomicPtr, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering,
};

/// No access in flight.
const OP_NONE: u8 = 0;
const OP_READ: u8 = 1;
const OP_WRITE: u8 = 2;

static ADDR: AtomicU64 = AtomicU64::new(0);
static BITS: AtomicU32 = AtomicU32::new(0);
static OP: AtomicU8 = AtomicU8::new(OP_NONE);
/// The batch line being run (0: none).
static LINE: AtomicU64 = AtomicU64::new(0);
/// Output formatted but not yet written: start and length (length 0: none).
/// Only [`HeldOutput`] sets them, to its own buffer while it is not changing.
static HELD_PTR: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static HELD_LEN: AtomicUsize = AtomicUsize::new(0);

/// Names the batch line whose accesses follow (0 for none), for the message.
pub fn set_line(line: u64) {
    LINE.store(line, Ordering::Relaxed);
}

/// Installs the handler. Call once, first thing in `main`.
pub fn install() {
    // SAFETY: a zeroed sigaction is a valid starting point (empty mask, no
    // flags); the handler only touches atomics and calls write and _exit,
    // which are async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
    }
}

/// Marks one register access as in flight until dropped.
pub struct Access(());

impl Access {
    /// Records a read of `bits` at `addr`.
    #[inline]
    pub fn read(addr: u64, bits: u32) -> Self {
        Self::record(addr, bits, OP_READ)
    }

    /// Records a write of `bits` at `addr`.
    #[inline]
    pub fn write(addr: u64, bits: u32) -> Self {
        Self::record(addr, bits, OP_WRITE)
    }

    #[inline]
    fn record(addr: u64, bits: u32, op: u8) -> Self {
        ADDR.store(addr, Ordering::Relaxed);
        BITS.store(bits, Ordering::Relaxed);
        OP.store(op, Ordering::Relaxed);
        // The handler runs on this thread: keep the compiler from moving the
        // stores after the access they describe.
        compiler_fence(Ordering::SeqCst);
        Access(())
    }
}

impl Drop for Access {
    #[inline]
    fn drop(&mut self) {
        compiler_fence(Ordering::SeqCst);
        OP.store(OP_NONE, Ordering::Relaxed);
    }
}

/// Output kept in memory and written in large pieces (one `write(2)` per
/// `limit` bytes instead of one per line), that a bus error still prints.
///
/// While its buffer is not being changed it is published to the handler; it
/// is withdrawn before every change (which may move it), so the handler only
/// ever sees bytes that are in place. Dropping it writes what it holds.
pub struct HeldOutput<W: Write> {
    inner: W,
    buf: Vec<u8>,
    limit: usize,
}

impl<W: Write> HeldOutput<W> {
    /// Holds up to `limit` bytes before writing them to `inner`.
    pub fn new(inner: W, limit: usize) -> Self {
        HeldOutput {
            inner,
            buf: Vec::with_capacity(limit + 256),
            limit,
        }
    }

    fn withdraw() {
        HELD_LEN.store(0, Ordering::Relaxed);
        compiler_fence(Ordering::SeqCst);
    }

    fn publish(&self) {
        compiler_fence(Ordering::SeqCst);
        HELD_PTR.store(self.buf.as_ptr().cast_mut(), Ordering::Relaxed);
        HELD_LEN.store(self.buf.len(), Ordering::Relaxed);
        compiler_fence(Ordering::SeqCst);
    }

    fn write_held(&mut self) -> io::Result<()> {
        Self::withdraw();
        let r = self.inner.write_all(&self.buf);
        self.buf.clear();
        r
    }

    /// Writes the whole lines held and keeps the unfinished one, so that a
    /// line never spans two `write(2)`s (readers of a pipe see whole lines,
    /// and a line-buffered `inner` passes them on in one call).
    fn write_held_lines(&mut self) -> io::Result<()> {
        let Some(end) = self.buf.iter().rposition(|&b| b == b'\n') else {
            return self.write_held();
        };
        Self::withdraw();
        let r = self.inner.write_all(&self.buf[..=end]);
        self.buf.drain(..=end);
        r
    }
}

impl<W: Write> Write for HeldOutput<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        Self::withdraw();
        self.buf.extend_from_slice(data);
        if self.buf.len() >= self.limit {
            self.write_held_lines()?;
        }
        self.publish();
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_held()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for HeldOutput<W> {
    fn drop(&mut self) {
        // An error here has nowhere to go: the command's own error (if any)
        // is reported by the caller, and a closed pipe is not one.
        let _ = self.flush();
        Self::withdraw();
    }
}

/// A fixed buffer that a signal handler can format into.
struct Line {
    buf: [u8; 256],
    len: usize,
}

impl Line {
    fn push(&mut self, s: &[u8]) {
        for &b in s {
            if self.len < self.buf.len() {
                self.buf[self.len] = b;
                self.len += 1;
            }
        }
    }

    /// `0x` and at least 8 hex digits (upper bits only when set).
    fn hex(&mut self, v: u64) {
        let mut digits = [0u8; 16];
        let mut n = 0;
        let mut x = v;
        while x != 0 || n < 8 {
            digits[n] = b"0123456789abcdef"[(x & 0xf) as usize];
            x >>= 4;
            n += 1;
        }
        self.push(b"0x");
        while n > 0 {
            n -= 1;
            self.push(&digits[n..n + 1]);
        }
    }

    fn dec(&mut self, v: u32) {
        self.dec64(u64::from(v));
    }

    fn dec64(&mut self, v: u64) {
        let mut digits = [0u8; 20];
        let mut n = 0;
        let mut x = v;
        loop {
            digits[n] = b'0' + (x % 10) as u8;
            x /= 10;
            n += 1;
            if x == 0 {
                break;
            }
        }
        while n > 0 {
            n -= 1;
            self.push(&digits[n..n + 1]);
        }
    }
}

extern "C" fn handler(_sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    let mut line = Line {
        buf: [0; 256],
        len: 0,
    };
    let op = OP.load(Ordering::Relaxed);
    line.push(b"physreg: bus error (SIGBUS): ");
    if op == OP_NONE {
        line.push(b"at memory address ");
        // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler.
        let fault = if info.is_null() {
            0
        } else {
            unsafe { (*info).si_addr() as usize as u64 }
        };
        line.hex(fault);
        line.push(b" outside any register access (was the device file truncated?)\n");
    } else {
        line.push(b"nothing answered the ");
        line.dec(BITS.load(Ordering::Relaxed));
        line.push(if op == OP_READ {
            b"-bit read at "
        } else {
            b"-bit write at "
        });
        line.hex(ADDR.load(Ordering::Relaxed));
        let batch_line = LINE.load(Ordering::Relaxed);
        if batch_line != 0 {
            line.push(b" (batch line ");
            line.dec64(batch_line);
            line.push(b")");
        }
        line.push(b": no device decodes that address, or its clock or power is off; check the address against the board's memory map\n");
    }
    let held = HELD_LEN.load(Ordering::Relaxed);
    // SAFETY: write and _exit are async-signal-safe; the message is on this
    // stack; a non-zero HELD_LEN means HELD_PTR points at that many bytes of
    // a HeldOutput's buffer, which is not changing (it withdraws them first).
    unsafe {
        let mut at = HELD_PTR.load(Ordering::Relaxed).cast_const();
        let mut left = held;
        while left != 0 {
            let n = libc::write(1, at.cast(), left);
            if n <= 0 {
                break;
            }
            at = at.add(n as usize);
            left -= n as usize;
        }
        libc::write(2, line.buf.as_ptr().cast(), line.len);
        libc::_exit(super::error::EXIT_BUS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records each `write` call it gets.
    #[derive(Default)]
    struct Calls(Vec<Vec<u8>>);

    impl Write for Calls {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.0.push(data.to_vec());
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn held_output_is_written_in_whole_lines() {
        let mut calls = Calls::default();
        let mut want = Vec::new();
        {
            let mut held = HeldOutput::new(&mut calls, 64);
            for i in 0..40u32 {
                // Each line in two pieces, as `write!` then `writeln!` would.
                let (a, b) = (format!("0x{i:08X}"), format!(": {i}\n"));
                held.write_all(a.as_bytes()).unwrap();
                held.write_all(b.as_bytes()).unwrap();
                want.extend_from_slice(a.as_bytes());
                want.extend_from_slice(b.as_bytes());
            }
        }
        assert_eq!(calls.0.concat(), want, "everything, in order");
        assert!(calls.0.len() > 5, "written in pieces: {}", calls.0.len());
        for c in &calls.0 {
            assert_eq!(c.last(), Some(&b'\n'), "{:?}", String::from_utf8_lossy(c));
            assert!(c.len() < 64 + 20, "at most a limit and a line: {}", c.len());
        }
    }
}
