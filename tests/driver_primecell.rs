//! PL011, PL031 and PL061 drivers against fake register files, with the
//! values from the Arm Technical Reference Manuals.
//!
//! A file cannot model what the hardware does by itself (FIFO flags that
//! change as bytes move, an RTC that counts, GPIODATA's address masking), so
//! those tests set the flags by hand and check what the driver reads and
//! which offsets it writes; the QEMU suite checks the real devices.

mod driver_support;

use std::time::{Duration, UNIX_EPOCH};

use driver_support::Fake;
use physreg::drivers::pl011::{self, baud_divisors, Divisors, Format, Parity, Pl011, Pl011Error};
use physreg::drivers::pl031::{Pl031, Pl031Error};
use physreg::drivers::pl061::{data_offset, Pl061, Pl061Error};
use physreg::drivers::{PrimeCellId, SpinLimit};
use physreg::map::Mode;
use physreg::reg::AccessError;

const UART: u64 = 0x0900_0000;
const RTC: u64 = 0x0901_0000;
const GPIO: u64 = 0x0903_0000;

// ---- PL011 ------------------------------------------------------------------

/// PL011 TRM (Arm DDI 0183), section 3.3.6, "Example 3-1 Calculating the
/// divisor value": 230400 baud from UARTCLK = 4 MHz gives BAUDDIV 1.085,
/// IBRD 1, FBRD integer(0.085 x 64 + 0.5) = 5.
#[test]
fn pl011_trm_divisor_example() {
    let d = baud_divisors(4_000_000, 230_400).unwrap();
    assert_eq!(d, Divisors { ibrd: 1, fbrd: 5 });
    // The TRM rounds the generated divider 1 + 5/64 to 1.078 and so prints
    // 231911 baud, an error of 0.656%; the exact divider 1.078125 gives
    // 231884 (0.644%). Either way within the TRM's bound for a 6-bit FBRD.
    let made = d.baud(4_000_000);
    assert_eq!(made, 231_884);
    let error = (f64::from(made) - 230_400.0) / 230_400.0 * 100.0;
    assert!(error > 0.0 && error < 0.656, "error {error}%");
}

#[test]
fn pl011_divisors_for_common_clocks() {
    // Raspberry Pi firmware's 48 MHz UART clock, Linux's 115200 console:
    // 48e6 / (16 x 115200) = 26.0417 -> IBRD 26, FBRD round(0.0417 x 64) = 3.
    assert_eq!(
        baud_divisors(48_000_000, 115_200).unwrap(),
        Divisors { ibrd: 26, fbrd: 3 }
    );
    // The older 3 MHz UART clock: 1.6276 -> IBRD 1, FBRD round(40.17) = 40.
    assert_eq!(
        baud_divisors(3_000_000, 115_200).unwrap(),
        Divisors { ibrd: 1, fbrd: 40 }
    );
    // QEMU virt's 24 MHz apb-pclk: 13.0208 -> 13, 1.
    assert_eq!(
        baud_divisors(24_000_000, 115_200).unwrap(),
        Divisors { ibrd: 13, fbrd: 1 }
    );
    // An exact divisor has no fraction: 14.7456 MHz / (16 x 921600) = 1.
    assert_eq!(
        baud_divisors(14_745_600, 921_600).unwrap(),
        Divisors { ibrd: 1, fbrd: 0 }
    );
    // Rounding carries into IBRD: BAUDDIV = 4e6/(16 x 125392) = 1.99375, whose
    // fraction x 64 + 0.5 = 64.1 would not fit FBRD's 6 bits; rounding
    // 64 x BAUDDIV = 127.6 to 128 gives IBRD 2, FBRD 0.
    assert_eq!(
        baud_divisors(4_000_000, 125_392).unwrap(),
        Divisors { ibrd: 2, fbrd: 0 }
    );
}

#[test]
fn pl011_divisors_out_of_range_are_errors() {
    for (clock, baud) in [
        (4_000_000, 0),       // no rate
        (4_000_000, 460_800), // BAUDDIV 0.54: IBRD would be 0
        (48_000_000, 1),      // BAUDDIV 3,000,000: more than 16 bits
        (0, 9600),            // no clock
        (u32::MAX, 1),        // no overflow in the arithmetic
    ] {
        match baud_divisors(clock, baud) {
            Err(Pl011Error::BaudOutOfRange { .. }) => {}
            other => panic!("{clock} Hz / {baud} baud gave {other:?}"),
        }
    }
    // IBRD 0xFFFF is allowed with no fraction only (TRM 3.3.6).
    let clock = 0xffff * 16; // BAUDDIV exactly 0xFFFF at 1 baud
    assert_eq!(
        baud_divisors(clock, 1).unwrap(),
        Divisors {
            ibrd: 0xffff,
            fbrd: 0
        }
    );
    assert!(baud_divisors(clock + 8, 1).is_err());
}

#[test]
fn pl011_enable_programs_the_trm_sequence() {
    let fake = Fake::new(UART, 0x1000);
    let map = fake.map();
    let uart = Pl011::new(&map, UART).unwrap();
    let d = uart.enable(4_000_000, 230_400, Format::default()).unwrap();
    assert_eq!(d, Divisors { ibrd: 1, fbrd: 5 });
    assert_eq!(fake.peek32(0x24), 1, "UARTIBRD");
    assert_eq!(fake.peek32(0x28), 5, "UARTFBRD");
    // LCR_H: WLEN = 0b11 (8 bits, bits 6:5), FEN (bit 4): 0x70.
    assert_eq!(fake.peek32(0x2c), 0x70, "UARTLCR_H");
    // CR: UARTEN (0), TXE (8), RXE (9).
    assert_eq!(fake.peek32(0x30), 0x301, "UARTCR");
    assert_eq!(fake.peek32(0x38), 0, "UARTIMSC: all masked");
    assert_eq!(fake.peek32(0x44), 0x7ff, "UARTICR: all cleared");
    assert_eq!(uart.divisors(), d);
    assert!(uart.tx_enabled() && uart.rx_enabled());

    let odd = Format {
        data_bits: 7,
        parity: Parity::Odd,
        two_stop_bits: true,
    };
    uart.enable(48_000_000, 115_200, odd).unwrap();
    // WLEN 7 bits = 0b10 (0x40), FEN 0x10, STP2 0x08, PEN 0x02, EPS clear.
    assert_eq!(fake.peek32(0x2c), 0x5a);
    assert_eq!((fake.peek32(0x24), fake.peek32(0x28)), (26, 3));
    let even = Format {
        parity: Parity::Even,
        ..Format::default()
    };
    uart.enable(48_000_000, 115_200, even).unwrap();
    assert_eq!(fake.peek32(0x2c), 0x76);
}

#[test]
fn pl011_enable_with_a_bad_rate_touches_nothing() {
    let fake = Fake::new(UART, 0x1000);
    fake.poke32(0x30, 0x301);
    let map = fake.map();
    let uart = Pl011::new(&map, UART).unwrap();
    assert!(uart.enable(4_000_000, 0, Format::default()).is_err());
    let nine = Format {
        data_bits: 9,
        ..Format::default()
    };
    assert_eq!(
        uart.enable(4_000_000, 9600, nine),
        Err(Pl011Error::BadFormat(9))
    );
    assert_eq!(fake.peek32(0x30), 0x301, "CR untouched");
}

#[test]
fn pl011_writes_bytes_when_the_fifo_has_room() {
    let fake = Fake::new(UART, 0x1000);
    let map = fake.map();
    let uart = Pl011::new(&map, UART).unwrap();
    assert!(uart.try_write_byte(b'A'));
    assert_eq!(fake.peek32(0x00), 0x41);
    uart.write_all(b"hi").unwrap();
    assert_eq!(fake.peek32(0x00), u32::from(b'i'));
}

#[test]
fn pl011_full_fifo_is_honoured_and_bounded() {
    let fake = Fake::new(UART, 0x1000);
    fake.poke32(0x18, 1 << 5); // FR.TXFF
    let map = fake.map();
    let uart = Pl011::new(&map, UART)
        .unwrap()
        .with_spin_limit(SpinLimit(100));
    assert!(!uart.try_write_byte(b'A'));
    assert_eq!(fake.peek32(0x00), 0, "nothing stored while TXFF is set");
    match uart.write_byte(b'A') {
        Err(Pl011Error::Timeout {
            base: UART,
            what: "full",
            polls: 100,
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.peek32(0x00), 0);
    // The flag clears (the hardware drained a byte): the write goes through.
    fake.poke32(0x18, 0);
    uart.write_byte(b'B').unwrap();
    assert_eq!(fake.peek32(0x00), u32::from(b'B'));
}

#[test]
fn pl011_flush_waits_for_busy_and_is_bounded() {
    let fake = Fake::new(UART, 0x1000);
    fake.poke32(0x18, 1 << 3); // FR.BUSY
    let map = fake.map();
    let uart = Pl011::new(&map, UART)
        .unwrap()
        .with_spin_limit(SpinLimit(10));
    assert!(matches!(
        uart.flush(),
        Err(Pl011Error::Timeout { what: "busy", .. })
    ));
    // enable() waits for BUSY too, and stops there.
    assert!(uart.enable(4_000_000, 230_400, Format::default()).is_err());
    fake.poke32(0x18, 0);
    uart.flush().unwrap();
}

#[test]
fn pl011_reads_bytes_and_their_error_bits() {
    let fake = Fake::new(UART, 0x1000);
    fake.poke32(0x18, 1 << 4); // FR.RXFE
    fake.poke32(0x00, 0x41);
    let map = fake.map();
    let uart = Pl011::new(&map, UART).unwrap();
    assert_eq!(uart.try_read_byte(), None, "receive FIFO empty");
    fake.poke32(0x18, 0);
    let rx = uart.try_read_byte().unwrap();
    assert_eq!(rx.byte, b'A');
    assert!(rx.is_ok());
    // DR bits 11:8 = OE BE PE FE.
    fake.poke32(0x00, 0x900 | 0x5a);
    let rx = uart.try_read_byte().unwrap();
    assert_eq!(rx.byte, 0x5a);
    assert!(rx.overrun && rx.framing_error && !rx.parity_error && !rx.break_error);
    assert!(!rx.is_ok());
}

#[test]
fn primecell_ids_decode_like_the_trms() {
    let fake = Fake::new(UART, 0x1000);
    // QEMU's PL011 (hw/char/pl011.c): PeriphID 0x11 0x10 0x14 0x00, PCellID 0x0d 0xf0 0x05 0xb1.
    for (i, b) in [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]
        .into_iter()
        .enumerate()
    {
        fake.poke32(0xfe0 + 4 * i as u64, b);
    }
    let map = fake.map_mode(Mode::ReadOnly);
    let id = PrimeCellId::read(&map, UART).unwrap();
    assert_eq!(id.part(), 0x011);
    assert_eq!(id.designer(), 0x41, "Arm");
    assert_eq!(id.revision(), 1);
    assert_eq!(id.configuration(), 0);
    assert!(id.is_primecell());
    assert_eq!(id.periph_id(), 0x0014_1011);
    assert_eq!(id.cell_id(), 0xb105_f00d);
}

#[test]
fn pl011_refuses_read_only_and_short_mappings() {
    let fake = Fake::new(UART, 0x1000);
    let ro = fake.map_mode(Mode::ReadOnly);
    assert!(matches!(
        Pl011::new(&ro, UART),
        Err(Pl011Error::Access(AccessError::ReadOnlyMapping { .. }))
    ));
    let map = fake.map();
    // A base whose registers run off the end of the mapping.
    assert!(matches!(
        Pl011::new(&map, UART + 0xff0),
        Err(Pl011Error::Access(AccessError::OutOfBounds { .. }))
    ));
    assert!(Pl011::new(&map, 0).is_err());
    assert!(Pl011::new(&map, u64::MAX - 3).is_err());
    assert!(PrimeCellId::read(&map, UART + 0x100).is_err());
    assert_eq!(pl011::BLOCK_SIZE, 0x1000);
}

// ---- PL031 ------------------------------------------------------------------

#[test]
fn pl031_reads_and_sets_the_time() {
    let fake = Fake::new(RTC, 0x1000);
    // 2024-01-01T00:00:00Z.
    fake.poke32(0x000, 1_704_067_200);
    let map = fake.map();
    let rtc = Pl031::new(&map, RTC).unwrap();
    assert_eq!(rtc.seconds(), 1_704_067_200);
    assert_eq!(rtc.time(), UNIX_EPOCH + Duration::from_secs(1_704_067_200));

    // Setting the time writes the load register RTCLR (0x008) and nothing else;
    // the real RTC then counts from it (checked in QEMU).
    let t = UNIX_EPOCH + Duration::from_millis(2_000_000_000_900);
    rtc.set_time(t).unwrap();
    assert_eq!(
        fake.peek32(0x008),
        2_000_000_000,
        "RTCLR, truncated to seconds"
    );
    assert_eq!(fake.peek32(0x000), 1_704_067_200, "RTCDR is the hardware's");
    assert_eq!(rtc.loaded(), 2_000_000_000);

    // 2106-02-07T06:28:16Z is 2^32 seconds: one past the counter's range.
    let late = UNIX_EPOCH + Duration::from_secs(1 << 32);
    assert!(matches!(
        rtc.set_time(late),
        Err(Pl031Error::TimeOutOfRange(_))
    ));
    let early = UNIX_EPOCH - Duration::from_secs(1);
    assert!(rtc.set_time(early).is_err());
    assert_eq!(
        fake.peek32(0x008),
        2_000_000_000,
        "untouched by the failures"
    );
}

#[test]
fn pl031_start_and_alarm_registers() {
    let fake = Fake::new(RTC, 0x1000);
    let map = fake.map();
    let rtc = Pl031::new(&map, RTC).unwrap();
    assert!(!rtc.is_started());
    rtc.start();
    assert_eq!(fake.peek32(0x00c), 1, "RTCCR.RTCSTART");
    assert!(rtc.is_started());

    rtc.set_alarm(1234, true);
    assert_eq!(fake.peek32(0x004), 1234, "RTCMR");
    assert_eq!(fake.peek32(0x010), 1, "RTCIMSC");
    assert_eq!(rtc.alarm(), 1234);
    rtc.set_alarm(99, false);
    assert_eq!(fake.peek32(0x010), 0);
    assert!(!rtc.alarm_fired());
    fake.poke32(0x014, 1); // RTCRIS: the hardware's match
    assert!(rtc.alarm_fired());
    rtc.clear_alarm();
    assert_eq!(fake.peek32(0x01c), 1, "RTCICR");
}

#[test]
fn pl031_id() {
    let fake = Fake::new(RTC, 0x1000);
    // PL031 TRM section 3.3.9: PeriphID 0x31 0x10 0x04 0x00 (part 0x031, Arm, rev 0).
    for (i, b) in [0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1]
        .into_iter()
        .enumerate()
    {
        fake.poke32(0xfe0 + 4 * i as u64, b);
    }
    let map = fake.map();
    let id = Pl031::new(&map, RTC).unwrap().id().unwrap();
    assert_eq!((id.part(), id.designer(), id.revision()), (0x031, 0x41, 0));
    assert_eq!(id.periph_id(), 0x0004_1031);
}

// ---- PL061 ------------------------------------------------------------------

#[test]
fn pl061_masked_data_addresses() {
    // GPIODATA address bits [9:2] are the pin mask (PL061 TRM 3.3.1).
    assert_eq!(data_offset(0x00), 0x000);
    assert_eq!(data_offset(0x01), 0x004);
    assert_eq!(data_offset(0x80), 0x200);
    assert_eq!(data_offset(0xff), 0x3fc);
    // The TRM's masked-write figure: 0xEB written at offset 0x098 (mask
    // 0b0010_0110) changes pins 5, 2 and 1 only.
    assert_eq!(data_offset(0b0010_0110), 0x098);
}

#[test]
fn pl061_masked_writes_and_reads_land_at_the_masked_address() {
    let fake = Fake::new(GPIO, 0x1000);
    let map = fake.map();
    let gpio = Pl061::new(&map, GPIO).unwrap();
    gpio.write(0b0010_0110, 0xeb).unwrap();
    // One store, at 0x098, of the whole value: the hardware applies the mask.
    assert_eq!(fake.nonzero_words(), vec![(0x098, 0xeb)]);

    gpio.set_pin(7, true).unwrap();
    assert_eq!(
        fake.peek32(0x200),
        0x80,
        "pin 7: mask 0x80 at 0x200, value 0x80"
    );
    gpio.set_pin(7, false).unwrap();
    assert_eq!(fake.peek32(0x200), 0);

    // A masked read loads from the masked address.
    fake.poke32(0x0c4, 0x31);
    assert_eq!(gpio.read(0x31).unwrap(), 0x31);
    fake.poke32(0x010, 0x04);
    assert!(gpio.pin(2).unwrap());
    assert!(!gpio.pin(3).unwrap());
    fake.poke32(0x3fc, 0xa5);
    assert_eq!(gpio.read_all(), 0xa5);
}

#[test]
fn pl061_direction_field_by_field() {
    let fake = Fake::new(GPIO, 0x1000);
    let map = fake.map();
    let gpio = Pl061::new(&map, GPIO).unwrap();
    gpio.set_output(0, true).unwrap();
    gpio.set_output(5, true).unwrap();
    assert_eq!(fake.peek32(0x400), 0b0010_0001, "GPIODIR");
    gpio.set_output(0, false).unwrap();
    assert_eq!(gpio.direction(), 0b0010_0000);
    gpio.set_direction(0xff);
    assert_eq!(fake.peek32(0x400), 0xff);

    gpio.clear_interrupts(0x81);
    assert_eq!(fake.peek32(0x41c), 0x81, "GPIOIC");
    fake.poke32(0x420, 0x0c);
    assert_eq!(gpio.hardware_control(), 0x0c, "GPIOAFSEL");
    fake.poke32(0x410, 0x08);
    assert_eq!(gpio.interrupt_mask(), 0x08);
    fake.poke32(0x414, 0x08);
    assert_eq!(gpio.raw_interrupts(), 0x08);
}

#[test]
fn pl061_bad_pins_are_errors() {
    let fake = Fake::new(GPIO, 0x1000);
    let map = fake.map();
    let gpio = Pl061::new(&map, GPIO).unwrap();
    for pin in [8, 9, 255] {
        assert_eq!(gpio.set_pin(pin, true), Err(Pl061Error::BadPin(pin)));
        assert_eq!(gpio.pin(pin), Err(Pl061Error::BadPin(pin)));
        assert_eq!(gpio.set_output(pin, true), Err(Pl061Error::BadPin(pin)));
    }
    assert_eq!(fake.nonzero_words(), vec![]);
    // A block that does not fit the mapping.
    assert!(Pl061::new(&map, GPIO + 0xc00).is_err());
}
