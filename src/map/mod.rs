//! The mapping layer: physical memory from /dev/mem, /dev/gpiomem, PCI
//! resource files, UIO devices, regular files or anonymous memory, behind one
//! [`Mapping`] type that the register layer does not need to tell apart.
//!
//! A [`Source`] and a [`Region`] are unvalidated descriptions; a [`Mapping`]
//! is what [`Mapping::open`] makes of them once they check out, and the only
//! type that hands out register handles.

mod anon;
mod devmem;
mod error;
mod file;
mod gpiomem;
mod mapping;
mod mmap;
mod pci;
mod source;
mod uio;
mod window;

pub use error::{DenyReason, MapError};
pub use mapping::{Mapping, Region};
pub use mmap::{page_size, Mode};
pub use source::Source;
