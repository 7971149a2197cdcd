//! Typed handles by name: looked up once, checked against the board's width,
//! byte order and access, then used like handles made by address.

use physreg::board::{Board, BoardError};
use physreg::map::Mapping;
use physreg::reg::{Be, ReadWrite, Reg, RoReg, RwReg};
use tock_registers::interfaces::{Readable, Writeable};
use tock_registers::register_bitfields;

register_bitfields![u32, FR [TXFF OFFSET(5) NUMBITS(1) [], RXFE OFFSET(4) NUMBITS(1) []]];

fn virt() -> Board {
    Board::builtin("qemu-virt").unwrap()
}

#[test]
fn by_name_handles_reach_the_same_register_as_by_address() {
    let board = virt();
    let fr = board.resolve("uart0.FR.TXFF").unwrap();
    let map = Mapping::anonymous(fr.peripheral.base, fr.peripheral.size).unwrap();
    map.write(0x0900_0018, physreg::reg::Width::W32, 0x20)
        .unwrap();
    let reg: RoReg<u32, FR::Register> = fr.reg(&map).unwrap();
    assert_eq!(reg.addr(), 0x0900_0018);
    assert!(reg.is_set(FR::TXFF) && !reg.is_set(FR::RXFE));
    // The field's own description agrees with the bitfield declared here.
    let field = fr.field.unwrap();
    assert_eq!((field.lsb, field.width), (5, 1));
    assert_eq!(field.extract(u64::from(reg.get())), 1);
}

#[test]
fn big_endian_registers_need_big_endian_handles() {
    let board = virt();
    let sel = board.resolve("fw_cfg.SELECTOR").unwrap();
    let map = Mapping::anonymous(sel.peripheral.base, sel.peripheral.size).unwrap();
    let handle: Reg<u16, (), ReadWrite, Be> = sel.reg(&map).unwrap();
    handle.set(0x0019);
    // Stored most significant byte first, as fw_cfg expects.
    assert_eq!(
        map.read(sel.address, physreg::reg::Width::W8).unwrap(),
        0x00
    );
    assert_eq!(
        map.read(sel.address + 1, physreg::reg::Width::W8).unwrap(),
        0x19
    );
    let wrong = sel
        .reg::<u16, (), ReadWrite, physreg::reg::Le>(&map)
        .unwrap_err();
    assert!(
        matches!(
            wrong,
            BoardError::WrongType {
                bits: 16,
                endian: "big-endian",
                ..
            }
        ),
        "{wrong:?}"
    );
    assert_eq!(
        wrong.to_string(),
        "fw_cfg.SELECTOR is a 16-bit big-endian register: ask for a handle of that width and byte order (or use dyn_reg)"
    );
}

#[test]
fn wrong_width_and_writes_to_read_only_registers_are_refused() {
    let board = virt();
    let fr = board.resolve("uart0.FR").unwrap();
    let map = Mapping::anonymous(fr.peripheral.base, fr.peripheral.size).unwrap();
    let e = fr
        .reg::<u8, (), ReadWrite, physreg::reg::Le>(&map)
        .unwrap_err();
    assert!(matches!(e, BoardError::WrongType { bits: 32, .. }), "{e:?}");
    let e = fr
        .reg::<u32, (), ReadWrite, physreg::reg::Le>(&map)
        .unwrap_err();
    assert_eq!(e.to_string(), "uart0.FR is read-only");
    let cr: RwReg<u32> = board.resolve("uart0.CR").unwrap().reg(&map).unwrap();
    cr.set(0x301);
    assert_eq!(cr.get(), 0x301);
}

#[test]
fn a_mapping_that_misses_the_register_is_an_access_error() {
    let board = virt();
    let fr = board.resolve("uart0.FR").unwrap();
    let elsewhere = Mapping::anonymous(0x1000, 0x100).unwrap();
    let e = fr
        .reg::<u32, (), physreg::reg::ReadOnly, physreg::reg::Le>(&elsewhere)
        .unwrap_err();
    assert!(matches!(e, BoardError::Access(_)), "{e:?}");
    assert!(e.to_string().contains("outside the mapped range"), "{e}");
}
