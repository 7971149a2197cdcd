//! The register-access layer: handles over a [`Mapping`](crate::map::Mapping).
//!
//! Everything is checked when a handle is made; an access through a handle is
//! one load or store. Handles never create a Rust reference to mapped memory.

mod dynamic;
mod endian;
mod error;
mod handle;
pub(crate) mod volatile;
mod width;

pub use dynamic::DynReg;
pub use endian::{Be, Endian, Endianness, Le};
pub use error::AccessError;
pub use handle::{
    Access, CanRead, CanWrite, ReadOnly, ReadWrite, Reg, RoReg, RwReg, WoReg, WriteOnly,
};
pub use width::{Width, Word};
