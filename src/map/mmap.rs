//! The one function that calls mmap: page alignment, MAP_FAILED and munmap.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::ptr::NonNull;
use std::sync::OnceLock;

/// Whether a mapping may be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `O_RDONLY` and `PROT_READ`: handles that store cannot be made.
    ReadOnly,
    /// `O_RDWR` and `PROT_READ | PROT_WRITE`.
    ReadWrite,
}

impl Mode {
    /// Whether stores are allowed.
    pub fn writable(self) -> bool {
        self == Mode::ReadWrite
    }
}

/// The kernel's page size, from `sysconf(_SC_PAGESIZE)`: 4 KiB on most
/// machines, 16 KiB on Raspberry Pi 5 kernels, 64 KiB on some arm64 builds.
pub fn page_size() -> usize {
    static PAGE: OnceLock<usize> = OnceLock::new();
    *PAGE.get_or_init(|| {
        // SAFETY: sysconf has no memory-safety preconditions.
        let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(size)
            .ok()
            .filter(|s| s.is_power_of_two())
            .unwrap_or(4096)
    })
}

/// An owned mmap region; the first wanted byte is `start`, possibly mid-page.
#[derive(Debug)]
pub(crate) struct RawMap {
    /// Page-aligned address returned by mmap.
    base: NonNull<u8>,
    /// Length passed to mmap.
    len: usize,
    /// The byte at the requested file offset.
    start: NonNull<u8>,
}

// SAFETY: RawMap owns its mapping exclusively and only hands out raw pointers;
// unmapping from another thread is as valid as from this one.
unsafe impl Send for RawMap {}

impl RawMap {
    /// Pointer to the byte at the file offset that was asked for.
    pub(crate) fn start(&self) -> NonNull<u8> {
        self.start
    }
}

impl Drop for RawMap {
    fn drop(&mut self) {
        // SAFETY: `base` and `len` are exactly what a successful mmap returned,
        // and no handle outlives the Mapping that owns this RawMap.
        unsafe {
            libc::munmap(self.base.as_ptr().cast(), self.len);
        }
    }
}

/// Maps `len` bytes of `file` from byte `offset` (any alignment), shared, or
/// anonymous memory when `file` is `None`. The offset is aligned down to the
/// page size and the in-page remainder kept in [`RawMap::start`].
pub(crate) fn map(file: Option<&File>, offset: u64, len: usize, mode: Mode) -> io::Result<RawMap> {
    let page = page_size() as u64;
    let in_page = offset % page;
    let aligned = offset - in_page;
    let einval = || io::Error::from_raw_os_error(libc::EINVAL);
    let map_len = usize::try_from(in_page)
        .ok()
        .and_then(|p| p.checked_add(len))
        .filter(|&l| l > 0)
        .ok_or_else(einval)?;
    let prot = match mode {
        Mode::ReadOnly => libc::PROT_READ,
        Mode::ReadWrite => libc::PROT_READ | libc::PROT_WRITE,
    };
    let (flags, fd) = match file {
        Some(f) => (libc::MAP_SHARED, f.as_raw_fd()),
        None => (libc::MAP_SHARED | libc::MAP_ANONYMOUS, -1),
    };
    let off = sys::Off::try_from(aligned).map_err(|_| einval())?;
    // SAFETY: a fresh mapping at an address of the kernel's choosing aliases no
    // Rust object; the fd (if any) is open for the duration of the call.
    let ptr = unsafe { sys::mmap(std::ptr::null_mut(), map_len, prot, flags, fd, off) };
    if ptr == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    let base = NonNull::new(ptr.cast::<u8>()).ok_or_else(einval)?;
    // SAFETY: `in_page < map_len`, so the result stays inside the new mapping.
    let start = unsafe { base.add(in_page as usize) };
    Ok(RawMap {
        base,
        len: map_len,
        start,
    })
}

/// 64-bit file offsets everywhere: /dev/mem offsets on a 32-bit Raspberry Pi
/// OS (0xfe000000 on a Pi 4) do not fit a signed 32-bit `off_t`.
mod sys {
    #[cfg(not(all(target_pointer_width = "32", target_env = "gnu")))]
    pub(super) use libc::{mmap, off_t as Off};
    #[cfg(all(target_pointer_width = "32", target_env = "gnu"))]
    pub(super) use libc::{mmap64 as mmap, off64_t as Off};
}
