//! No input makes a driver panic: arbitrary bases, pins, channels, masks,
//! baud rates and register contents give values or errors.
//!
//! Each case maps a small anonymous region filled with arbitrary bytes (the
//! "hardware" state), then drives each driver with arbitrary arguments. A
//! base inside the region may leave the block hanging off its end: that must
//! be an error from the constructor, not a panic later.

use physreg::drivers::bcm_gpio::{self, BcmGpio, Chip, Event, Function, Pull};
use physreg::drivers::bcm_timer::SystemTimer;
use physreg::drivers::fw_cfg::{parse_directory, FwCfg};
use physreg::drivers::pl011::{baud_divisors, Format, Parity, Pl011};
use physreg::drivers::pl031::Pl031;
use physreg::drivers::pl061::Pl061;
use physreg::drivers::rp1_gpio::{self, Rp1Gpio};
use physreg::drivers::virtio_mmio::{scan, VirtioMmio};
use physreg::drivers::{PrimeCellId, SpinLimit};
use physreg::map::Mapping;
use physreg::reg::Width;
use proptest::prelude::*;

const BASE: u64 = 0x4000_0000;
const SIZE: u64 = 0x4000;

/// Anonymous memory at BASE filled with `fill` (repeated).
fn region(fill: &[u8]) -> Mapping {
    let map = Mapping::anonymous(BASE, SIZE).unwrap();
    if !fill.is_empty() {
        for i in 0..SIZE {
            let b = fill[(i as usize) % fill.len()];
            map.write(BASE + i, Width::W8, u64::from(b)).unwrap();
        }
    }
    map
}

/// Bases near and far: inside the region at any offset, at its edges, and anywhere.
fn base() -> impl Strategy<Value = u64> {
    prop_oneof![
        (0..SIZE).prop_map(|o| BASE + o),
        Just(BASE),
        Just(BASE + SIZE - 4),
        any::<u64>(),
        (u64::MAX - 0x1000..=u64::MAX),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn primecell_drivers_never_panic(
        fill in proptest::collection::vec(any::<u8>(), 1..64),
        base in base(),
        clock in any::<u32>(),
        baud in any::<u32>(),
        bits in any::<u8>(),
        byte in any::<u8>(),
        pin in any::<u8>(),
        mask in any::<u8>(),
        secs in any::<u32>(),
    ) {
        let _ = baud_divisors(clock, baud).map(|d| d.baud(clock));
        let map = region(&fill);
        let _ = PrimeCellId::read(&map, base).map(|id| (id.part(), id.designer(), id.revision()));
        if let Ok(uart) = Pl011::new(&map, base) {
            let uart = uart.with_spin_limit(SpinLimit(4));
            let format = Format { data_bits: bits, parity: Parity::Odd, two_stop_bits: bits & 1 == 1 };
            let _ = uart.enable(clock, baud, format);
            let _ = uart.try_write_byte(byte);
            let _ = uart.write_all(&[byte, byte]);
            let _ = uart.try_read_byte();
            let _ = uart.flush();
            let _ = uart.divisors().baud(clock);
        }
        if let Ok(rtc) = Pl031::new(&map, base) {
            rtc.set_seconds(secs);
            let _ = rtc.time();
            rtc.set_alarm(secs, pin & 1 == 1);
            let _ = rtc.alarm_fired();
        }
        if let Ok(gpio) = Pl061::new(&map, base) {
            let _ = gpio.write(mask, byte);
            let _ = gpio.read(mask);
            let _ = gpio.set_pin(pin, true);
            let _ = gpio.pin(pin);
            let _ = gpio.set_output(pin, false);
        }
    }

    #[test]
    fn qemu_device_drivers_never_panic(
        fill in proptest::collection::vec(any::<u8>(), 1..64),
        dir in proptest::collection::vec(any::<u8>(), 0..600),
        base in base(),
        stride in any::<u64>(),
        count in 0u64..40,
        key in any::<u16>(),
        len in 0usize..64,
    ) {
        let _ = parse_directory(&dir);
        let map = region(&fill);
        if let Ok(fw) = FwCfg::new(&map, base) {
            fw.select(key);
            let mut buf = vec![0; len];
            fw.read(&mut buf);
            let _ = fw.signature();
            let _ = fw.features();
            let _ = fw.files();
            let _ = fw.read_file("bootorder");
            let _ = fw.read_item_vec(key, len as u32);
        }
        if let Ok(t) = VirtioMmio::new(&map, base) {
            let _ = t.probe().map(|i| (i.device_name(), i.vendor_text()));
        }
        let _ = scan(&map, base, stride, count);
    }

    #[test]
    fn raspberry_pi_drivers_never_panic(
        fill in proptest::collection::vec(any::<u8>(), 1..64),
        base in base(),
        pin in any::<u8>(),
        ch in any::<u8>(),
        value in any::<u32>(),
        funcsel in any::<u8>(),
        bank in any::<usize>(),
        code in any::<u32>(),
    ) {
        let map = region(&fill);
        for chip in [Chip::Bcm2835, Chip::Bcm2711] {
            if let Ok(gpio) = BcmGpio::new(&map, base, chip) {
                let _ = gpio.function(pin);
                let _ = gpio.set_function(pin, Function::from_code(code));
                let _ = gpio.write(pin, value & 1 == 1);
                let _ = gpio.level(pin);
                let _ = gpio.levels();
                let _ = gpio.write_bank(bank, value, !value);
                let pull = [Pull::None, Pull::Up, Pull::Down][(code % 3) as usize];
                let _ = gpio.set_pull(pin, pull);
                let _ = gpio.pull(pin);
                let _ = gpio.set_event(pin, Event::High, true);
                let _ = gpio.events_enabled(pin);
                let _ = gpio.event_detected(pin);
                let _ = gpio.clear_event(pin);
            }
        }
        let _ = bcm_gpio::bcm2835_pull_sequence(pin, Pull::Up);
        let _ = bcm_gpio::bcm2711_pull_field(pin);
        let _ = bcm_gpio::fsel_field(pin);
        if let Ok(t) = SystemTimer::new(&map, base) {
            let _ = t.now();
            let _ = t.arm(ch, value);
            let _ = t.matched(ch);
            let _ = t.clear_match(ch);
            let _ = t.compare(ch);
            let _ = t.delay_us(value % 100, 10);
        }
        // RP1 needs a 0x30000-byte window: only far bases reach the constructor's check.
        let _ = Rp1Gpio::new(&map, base);
        let _ = rp1_gpio::Pad::from_bits(value).bits();
        let big = Mapping::anonymous(0x1f_000d_0000, rp1_gpio::block::SIZE).unwrap();
        let rp1 = Rp1Gpio::new(&big, 0x1f_000d_0000).unwrap();
        let _ = rp1.set_function(pin, funcsel);
        let _ = rp1.make_output(pin);
        let _ = rp1.toggle(pin);
        let _ = rp1.write(pin, true);
        let _ = rp1.level(pin);
        let _ = rp1.pad_config(pin);
        let _ = rp1.set_pull(pin, rp1_gpio::Pull::Keeper);
        let _ = rp1.make_input(pin);
        let _ = rp1.status(pin);
    }
}
