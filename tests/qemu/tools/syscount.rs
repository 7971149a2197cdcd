//! Guest tool for the QEMU suite: `syscount PROGRAM [ARGS...]` runs a program
//! under ptrace and prints how many system calls it made after exec, in total
//! and by number, to stderr (`syscount: total=N`, `syscount: nr=29 count=N`).
//! Standard input and output pass through. Exit status: the program's.
//!
//! It stands in for `strace -c`, which the initramfs does not carry.

use std::collections::BTreeMap;
use std::ffi::CString;

/// `struct ptrace_syscall_info` (linux/ptrace.h), enough of it for the entry case.
#[repr(C)]
#[derive(Default)]
struct SyscallInfo {
    op: u8,
    pad: [u8; 3],
    arch: u32,
    instruction_pointer: u64,
    stack_pointer: u64,
    nr: u64,
    args: [u64; 6],
}

const PTRACE_GET_SYSCALL_INFO: libc::c_uint = 0x420e;
const PTRACE_SYSCALL_INFO_ENTRY: u8 = 1;

fn main() {
    let args: Vec<CString> = std::env::args()
        .skip(1)
        .filter_map(|a| CString::new(a).ok())
        .collect();
    if args.is_empty() {
        eprintln!("usage: syscount PROGRAM [ARGS...]");
        std::process::exit(2);
    }
    let mut argv: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());

    // SAFETY: fork has no preconditions; the child only calls async-signal-safe
    // functions (ptrace, execvp, _exit) before exec.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        fail("fork");
    }
    if pid == 0 {
        // SAFETY: TRACEME takes no pointers; argv is a null-terminated array of
        // C strings that outlive the call.
        unsafe {
            libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0);
            libc::execvp(argv[0], argv.as_ptr());
            libc::_exit(127);
        }
    }

    let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
    let mut status = 0;
    // The first stop is the SIGTRAP after a successful execve.
    wait(pid, &mut status);
    if libc::WIFEXITED(status) {
        eprintln!("syscount: could not run {:?}", args[0]);
        std::process::exit(127);
    }
    // SAFETY: `pid` is our stopped tracee.
    unsafe {
        libc::ptrace(
            libc::PTRACE_SETOPTIONS,
            pid,
            0,
            libc::PTRACE_O_TRACESYSGOOD | libc::PTRACE_O_EXITKILL,
        )
    };
    let mut signal = 0;
    loop {
        // SAFETY: resumes our stopped tracee until the next syscall stop.
        unsafe { libc::ptrace(libc::PTRACE_SYSCALL, pid, 0, signal) };
        wait(pid, &mut status);
        if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
            break;
        }
        signal = 0;
        let stop = libc::WSTOPSIG(status);
        if stop == (libc::SIGTRAP | 0x80) {
            let mut info = SyscallInfo::default();
            // SAFETY: the kernel writes at most `size_of::<SyscallInfo>()` bytes into `info`.
            unsafe {
                libc::ptrace(
                    PTRACE_GET_SYSCALL_INFO as _,
                    pid,
                    std::mem::size_of::<SyscallInfo>(),
                    &mut info as *mut SyscallInfo,
                )
            };
            if info.op == PTRACE_SYSCALL_INFO_ENTRY {
                *counts.entry(info.nr).or_default() += 1;
            }
        } else if stop != libc::SIGTRAP {
            signal = stop; // pass real signals on
        }
    }
    let total: u64 = counts.values().sum();
    eprintln!("syscount: total={total}");
    for (nr, n) in &counts {
        eprintln!("syscount: nr={nr} count={n}");
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    std::process::exit(code);
}

fn wait(pid: libc::pid_t, status: &mut libc::c_int) {
    // SAFETY: `status` is a valid out-pointer.
    if unsafe { libc::waitpid(pid, status, 0) } < 0 {
        fail("waitpid");
    }
}

fn fail(what: &str) -> ! {
    eprintln!("syscount: {what}: {}", std::io::Error::last_os_error());
    std::process::exit(1);
}
