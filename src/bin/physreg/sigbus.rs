//! SIGBUS: nothing answered at a physical address (QEMU virt raises one for a
//! read at 0x0b000000; real SoCs do for unclocked or absent blocks).
//!
//! Before each access the command records the address, width and direction
//! in atomics ([`Access::guard`]); the handler formats one line from them on
//! its own stack, writes it with `write(2)` and ends the process with
//! `_exit(3)`: no core dump, no backtrace, nothing that is not
//! async-signal-safe.

use std::sync::atomic::{compiler_fence, AtomicU32, AtomicU64, AtomicU8, Ordering};

/// No access in flight.
const OP_NONE: u8 = 0;
const OP_READ: u8 = 1;
const OP_WRITE: u8 = 2;

static ADDR: AtomicU64 = AtomicU64::new(0);
static BITS: AtomicU32 = AtomicU32::new(0);
static OP: AtomicU8 = AtomicU8::new(OP_NONE);
/// The batch line being run (0: none).
static LINE: AtomicU64 = AtomicU64::new(0);

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
    // SAFETY: write and _exit are async-signal-safe; the buffer is on this stack.
    unsafe {
        libc::write(2, line.buf.as_ptr().cast(), line.len);
        libc::_exit(super::error::EXIT_BUS);
    }
}
