//! virtio-mmio transports: probe them, report device IDs, versions and features.
//!
//! Register map from the Virtual I/O Device (VIRTIO) specification 1.2,
//! section 4.2.2 (MMIO device register layout). A transport reads the magic
//! value 0x74726976 ("virt" in memory order); device ID 0 means no device
//! sits behind it. QEMU's virt board has 32 transports from 0x0a000000, one
//! every 0x200 bytes. Probing only reads, except that reading the 64 feature
//! bits writes the feature-select register (DeviceFeaturesSel), which selects
//! which half DeviceFeatures shows and changes nothing else.

use thiserror::Error;
use tock_registers::interfaces::{Readable, Writeable};

use super::{check_block, reg_info, RegInfo};
use crate::map::Mapping;
use crate::reg::{AccessError, RoReg, WoReg};

/// Register offsets from a transport's base.
pub mod offset {
    /// Magic value: 0x74726976.
    pub const MAGIC_VALUE: u64 = 0x000;
    /// Transport version: 1 legacy, 2 modern.
    pub const VERSION: u64 = 0x004;
    /// Device type (0: no device).
    pub const DEVICE_ID: u64 = 0x008;
    /// Vendor ID (QEMU: 0x554d4551, "QEMU").
    pub const VENDOR_ID: u64 = 0x00c;
    /// The 32 feature bits that DeviceFeaturesSel selects.
    pub const DEVICE_FEATURES: u64 = 0x010;
    /// Selects features 0-31 (0) or 32-63 (1).
    pub const DEVICE_FEATURES_SEL: u64 = 0x014;
    /// Features the driver accepts.
    pub const DRIVER_FEATURES: u64 = 0x020;
    /// Selects which half DriverFeatures sets.
    pub const DRIVER_FEATURES_SEL: u64 = 0x024;
    /// Queue select.
    pub const QUEUE_SEL: u64 = 0x030;
    /// Largest queue size the device supports for the selected queue.
    pub const QUEUE_NUM_MAX: u64 = 0x034;
    /// Interrupt status.
    pub const INTERRUPT_STATUS: u64 = 0x060;
    /// Device status.
    pub const STATUS: u64 = 0x070;
    /// Configuration generation (version 2).
    pub const CONFIG_GENERATION: u64 = 0x0fc;
    /// Start of the device-specific configuration space.
    pub const CONFIG: u64 = 0x100;
}

/// The magic value every transport shows at offset 0.
pub const MAGIC: u32 = 0x7472_6976;
/// QEMU's vendor ID ("QEMU" in memory order).
pub const VENDOR_QEMU: u32 = 0x554d_4551;
/// Bytes between QEMU virt's transports.
pub const QEMU_VIRT_STRIDE: u64 = 0x200;
/// Address of QEMU virt's first transport.
pub const QEMU_VIRT_BASE: u64 = 0x0a00_0000;
/// Number of transports QEMU virt creates.
pub const QEMU_VIRT_COUNT: u64 = 32;

/// The registers this driver uses, for the board-file cross-check.
pub const LAYOUT: &[RegInfo] = &[
    reg_info!("MagicValue", offset::MAGIC_VALUE, 32),
    reg_info!("Version", offset::VERSION, 32),
    reg_info!("DeviceID", offset::DEVICE_ID, 32),
    reg_info!("VendorID", offset::VENDOR_ID, 32),
    reg_info!("DeviceFeatures", offset::DEVICE_FEATURES, 32),
    reg_info!("DeviceFeaturesSel", offset::DEVICE_FEATURES_SEL, 32),
    reg_info!("Status", offset::STATUS, 32),
];

/// What can go wrong probing a transport.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VirtioError {
    /// A register handle could not be made.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// The magic value is wrong: no virtio-mmio transport here.
    #[error("no virtio-mmio transport at {base:#x}: magic value is {found:#010x}, not 0x74726976 (\"virt\")")]
    BadMagic {
        /// The transport's address.
        base: u64,
        /// What was read.
        found: u32,
    },
    /// A transport version this driver does not know.
    #[error("virtio-mmio transport at {base:#x} has version {version}: only 1 (legacy) and 2 are defined")]
    BadVersion {
        /// The transport's address.
        base: u64,
        /// What was read.
        version: u32,
    },
}

/// What a transport says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransportInfo {
    /// The transport's address.
    pub base: u64,
    /// 1 (legacy) or 2.
    pub version: u32,
    /// Device type; 0 means no device.
    pub device_id: u32,
    /// Vendor ID.
    pub vendor_id: u32,
    /// The device's 64 feature bits (0 when there is no device).
    pub features: u64,
    /// The device status register.
    pub status: u32,
}

impl TransportInfo {
    /// Whether a device sits behind the transport.
    pub fn has_device(&self) -> bool {
        self.device_id != 0
    }

    /// The device type's name from the specification (section 5), if known.
    pub fn device_name(&self) -> Option<&'static str> {
        device_name(self.device_id)
    }

    /// The vendor ID as text when it is four printable ASCII bytes ("QEMU").
    pub fn vendor_text(&self) -> Option<String> {
        let b = self.vendor_id.to_le_bytes();
        b.iter()
            .all(|c| c.is_ascii_graphic())
            .then(|| b.iter().map(|&c| c as char).collect())
    }
}

/// The name of virtio device type `id` (specification section 5).
pub fn device_name(id: u32) -> Option<&'static str> {
    Some(match id {
        0 => "none",
        1 => "network",
        2 => "block",
        3 => "console",
        4 => "entropy",
        5 => "balloon",
        8 => "scsi",
        9 => "9p",
        16 => "gpu",
        18 => "input",
        19 => "vsock",
        20 => "crypto",
        23 => "iommu",
        24 => "memory",
        25 => "sound",
        26 => "fs",
        27 => "pmem",
        29 => "mac80211-hwsim",
        34 => "i2c",
        36 => "gpio",
        _ => return None,
    })
}

/// Names of the device-independent feature bits set in `features` (specification section 6).
pub fn feature_names(features: u64) -> Vec<&'static str> {
    const NAMES: &[(u32, &str)] = &[
        (24, "NOTIFY_ON_EMPTY"),
        (27, "ANY_LAYOUT"),
        (28, "RING_INDIRECT_DESC"),
        (29, "RING_EVENT_IDX"),
        (32, "VERSION_1"),
        (33, "ACCESS_PLATFORM"),
        (34, "RING_PACKED"),
        (35, "IN_ORDER"),
        (36, "ORDER_PLATFORM"),
        (37, "SR_IOV"),
        (38, "NOTIFICATION_DATA"),
        (39, "NOTIF_CONFIG_DATA"),
        (40, "RING_RESET"),
    ];
    NAMES
        .iter()
        .filter(|(bit, _)| features & (1 << bit) != 0)
        .map(|&(_, name)| name)
        .collect()
}

/// One virtio-mmio transport at a fixed address in a writable mapping.
#[derive(Clone, Copy, Debug)]
pub struct VirtioMmio<'m> {
    base: u64,
    magic: RoReg<'m, u32>,
    version: RoReg<'m, u32>,
    device_id: RoReg<'m, u32>,
    vendor_id: RoReg<'m, u32>,
    features: RoReg<'m, u32>,
    features_sel: WoReg<'m, u32>,
    status: RoReg<'m, u32>,
}

impl<'m> VirtioMmio<'m> {
    /// The transport at `base` in `map` (writable, covering 0x000 to 0x073).
    pub fn new(map: &'m Mapping, base: u64) -> Result<Self, VirtioError> {
        check_block(map, base, offset::STATUS + 4)?;
        Ok(VirtioMmio {
            base,
            magic: map.reg(base + offset::MAGIC_VALUE)?,
            version: map.reg(base + offset::VERSION)?,
            device_id: map.reg(base + offset::DEVICE_ID)?,
            vendor_id: map.reg(base + offset::VENDOR_ID)?,
            features: map.reg(base + offset::DEVICE_FEATURES)?,
            features_sel: map.reg(base + offset::DEVICE_FEATURES_SEL)?,
            status: map.reg(base + offset::STATUS)?,
        })
    }

    /// The transport's address.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// The magic value (0x74726976 on a transport).
    pub fn magic(&self) -> u32 {
        self.magic.get()
    }

    /// The transport version.
    pub fn version(&self) -> u32 {
        self.version.get()
    }

    /// The device type behind the transport (0: none).
    pub fn device_id(&self) -> u32 {
        self.device_id.get()
    }

    /// The vendor ID.
    pub fn vendor_id(&self) -> u32 {
        self.vendor_id.get()
    }

    /// The device's 64 feature bits: selects each half, then reads it.
    pub fn features(&self) -> u64 {
        self.features_sel.set(0);
        let low = self.features.get();
        self.features_sel.set(1);
        let high = self.features.get();
        self.features_sel.set(0);
        u64::from(low) | (u64::from(high) << 32)
    }

    /// Checks the magic value and version, then reads the device ID, vendor,
    /// status and (when a device is present) the feature bits.
    pub fn probe(&self) -> Result<TransportInfo, VirtioError> {
        let found = self.magic();
        if found != MAGIC {
            return Err(VirtioError::BadMagic {
                base: self.base,
                found,
            });
        }
        let version = self.version();
        if !(1..=2).contains(&version) {
            return Err(VirtioError::BadVersion {
                base: self.base,
                version,
            });
        }
        let device_id = self.device_id();
        Ok(TransportInfo {
            base: self.base,
            version,
            device_id,
            vendor_id: self.vendor_id(),
            features: if device_id != 0 { self.features() } else { 0 },
            status: self.status.get(),
        })
    }
}

/// Probes `count` transports from `first`, `stride` bytes apart, in `map`:
/// one result per transport, in address order.
pub fn scan(
    map: &Mapping,
    first: u64,
    stride: u64,
    count: u64,
) -> Vec<Result<TransportInfo, VirtioError>> {
    (0..count)
        .map(|i| {
            let base = first.saturating_add(i.saturating_mul(stride));
            VirtioMmio::new(map, base)?.probe()
        })
        .collect()
}
