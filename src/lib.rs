//! physreg: sound access to memory-mapped hardware registers from Linux user space.
//!
//! Once a peripheral's registers are mapped from `/dev/mem` (or `/dev/gpiomem`,
//! a PCI resource file, a UIO device, or a plain file standing in for one), a
//! process drives them with plain loads and stores: no system call after the
//! map. This crate makes that path safe:
//!
//! - [`map`]: one [`Mapping`](map::Mapping) type over every source, made from
//!   an unvalidated [`Source`](map::Source) and [`Region`](map::Region).
//! - [`reg`]: typed register handles (tock-registers' `Readable`/`Writeable`,
//!   so `register_bitfields!` fields work) and run-time-width handles. Bounds,
//!   alignment and writability are checked when a handle is made; an access is
//!   then exactly one load or store. No Rust reference to mapped memory is ever
//!   created.
//! - [`iomem`]: `/proc/iomem`, to explain refusals and keep writes off RAM.
//!
//! ```
//! use physreg::map::{Mapping, Mode, Region, Source};
//! use physreg::reg::{RoReg, Width};
//! use tock_registers::interfaces::Readable;
//!
//! // A file standing in for physical memory at 0x0900_0000 (a PL011's window).
//! let dir = std::env::temp_dir().join(format!("physreg-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let image = dir.join("uart.bin");
//! let mut bytes = vec![0u8; 0x1000];
//! bytes[0xfe0..0xfe4].copy_from_slice(&0x11u32.to_le_bytes()); // UARTPeriphID0
//! std::fs::write(&image, &bytes)?;
//!
//! let source = Source::file(&image, 0x0900_0000);
//! let map = Mapping::open(&source, Region::new(0x0900_0000, 0x1000), Mode::ReadOnly)?;
//! let id0: RoReg<u32> = map.reg(0x0900_0fe0)?;
//! assert_eq!(id0.get(), 0x11);
//! assert_eq!(map.read(0x0900_0fe0, Width::W8)?, 0x11);
//! assert!(map.write(0x0900_0fe0, Width::W32, 1).is_err()); // read-only mapping
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

pub mod board;
pub mod devicetree;
pub mod drivers;
pub mod hexdump;
pub mod iomem;
pub mod map;
pub mod reg;

pub use tock_registers;
