//! Raspberry Pi drivers (BCM GPIO, BCM system timer, RP1 GPIO) against fake
//! register files at the datasheets' offsets.
//!
//! BCM2835 ARM Peripherals (sections 6.1 and 12), BCM2711 ARM Peripherals
//! (section 5.2), RP1 Peripherals (chapter 3). A file cannot count like the
//! timer, latch pulls like GPPUDCLK, or apply RP1's atomic aliases, so: the
//! timer's tear-free read is tested with a simulated counter that carries
//! between the driver's reads; the GPPUD sequence as the list of writes it
//! makes (and their end state in the file); RP1's aliases by where each
//! store lands. The QEMU raspi3b suite checks GPIO and the timer for real;
//! no Raspberry Pi 5 (RP1) exists in this project's test setup.

mod driver_support;

use std::cell::Cell;

use driver_support::Fake;
use physreg::drivers::bcm_gpio::{
    bcm2711_pull_field, bcm2835_pull_sequence, fsel_field, BcmGpio, Chip, Event, Function,
    GpioError, Pull, PullStep,
};
use physreg::drivers::bcm_timer::{read_split_counter, SystemTimer, TimerError, MAX_TRIES};
use physreg::drivers::rp1_gpio::{self, Pad, Rp1Error, Rp1Gpio};

const GPIO_2837: u64 = 0x3f20_0000;
const GPIO_2711: u64 = 0xfe20_0000;
const TIMER: u64 = 0x3f00_3000;
const RP1: u64 = 0x1f_000d_0000;

// ---- BCM GPIO ---------------------------------------------------------------

#[test]
fn function_select_codes_and_fields() {
    // BCM2835 table 6-2: 000 input, 001 output, 100 alt0, 101 alt1, 110 alt2,
    // 111 alt3, 011 alt4, 010 alt5.
    let codes = [
        (Function::Input, 0b000),
        (Function::Output, 0b001),
        (Function::Alt0, 0b100),
        (Function::Alt1, 0b101),
        (Function::Alt2, 0b110),
        (Function::Alt3, 0b111),
        (Function::Alt4, 0b011),
        (Function::Alt5, 0b010),
    ];
    for (f, code) in codes {
        assert_eq!(f.code(), code);
        assert_eq!(Function::from_code(code), f);
    }
    // GPFSELn holds pins 10n..10n+9, 3 bits each: pin 17 is GPFSEL1 bits 23:21.
    assert_eq!(fsel_field(17), (0x04, 21));
    assert_eq!(fsel_field(0), (0x00, 0));
    assert_eq!(fsel_field(53), (0x14, 9));
}

#[test]
fn gpio_function_set_clear_level() {
    let fake = Fake::new(GPIO_2837, 0x1000);
    fake.poke32(0x04, 0x3fff_ffff); // every other pin of GPFSEL1 at alt3
    let map = fake.map();
    let gpio = BcmGpio::new(&map, GPIO_2837, Chip::Bcm2835).unwrap();
    gpio.set_function(17, Function::Output).unwrap();
    // Bits 23:21 = 001, the rest of GPFSEL1 untouched.
    assert_eq!(fake.peek32(0x04), (0x3fff_ffff & !(7 << 21)) | (1 << 21));
    assert_eq!(gpio.function(17).unwrap(), Function::Output);
    assert_eq!(gpio.function(16).unwrap(), Function::Alt3);

    gpio.set(17).unwrap();
    assert_eq!(fake.peek32(0x1c), 1 << 17, "GPSET0");
    gpio.clear(17).unwrap();
    assert_eq!(fake.peek32(0x28), 1 << 17, "GPCLR0");
    gpio.set(40).unwrap();
    assert_eq!(fake.peek32(0x20), 1 << 8, "GPSET1");
    gpio.write(53, false).unwrap();
    assert_eq!(fake.peek32(0x2c), 1 << 21, "GPCLR1");

    fake.poke32(0x34, 1 << 17); // GPLEV0 as the pins drive it
    fake.poke32(0x38, 1 << 1);
    assert!(gpio.level(17).unwrap());
    assert!(!gpio.level(16).unwrap());
    assert!(gpio.level(33).unwrap());
    assert_eq!(gpio.levels(), (1 << 17) | (1 << 33));
}

#[test]
fn gpio_bad_pins_are_errors() {
    let fake = Fake::new(GPIO_2837, 0x1000);
    let map = fake.map();
    let gpio = BcmGpio::new(&map, GPIO_2837, Chip::Bcm2835).unwrap();
    for pin in [54, 57, 255] {
        assert!(matches!(gpio.set(pin), Err(GpioError::BadPin { .. })));
        assert!(gpio.set_function(pin, Function::Output).is_err());
        assert!(gpio.set_pull(pin, Pull::Up).is_err());
        assert!(gpio.set_event(pin, Event::High, true).is_err());
    }
    assert!(gpio.write_bank(2, 1, 0).is_err());
    assert_eq!(fake.nonzero_words(), vec![], "nothing written");
    // BCM2711 has 58 pins.
    let gpio = BcmGpio::new(&map, GPIO_2837, Chip::Bcm2711).unwrap();
    gpio.set(57).unwrap();
    assert_eq!(fake.peek32(0x20), 1 << 25);
    assert!(gpio.set(58).is_err());
    // A BCM2711 block needs 0xf4 bytes mapped.
    let small = Fake::new(GPIO_2837, 0xa0);
    let map = small.map();
    assert!(BcmGpio::new(&map, GPIO_2837, Chip::Bcm2835).is_ok());
    assert!(BcmGpio::new(&map, GPIO_2837, Chip::Bcm2711).is_err());
}

#[test]
fn bcm2835_pull_sequence_is_the_datasheets() {
    // BCM2835 section 6.1, GPPUDCLKn: 1. write GPPUD; 2. wait 150 cycles;
    // 3. write GPPUDCLK0/1; 4. wait 150 cycles; 5. write GPPUD to remove the
    // control signal; 6. write GPPUDCLK0/1 to remove the clock.
    // GPPUD: 00 off, 01 pull-down, 10 pull-up.
    assert_eq!(
        bcm2835_pull_sequence(17, Pull::Up),
        [
            PullStep {
                offset: 0x94,
                value: 2,
                wait_after: true
            },
            PullStep {
                offset: 0x98,
                value: 1 << 17,
                wait_after: true
            },
            PullStep {
                offset: 0x94,
                value: 0,
                wait_after: false
            },
            PullStep {
                offset: 0x98,
                value: 0,
                wait_after: false
            },
        ]
    );
    let down = bcm2835_pull_sequence(40, Pull::Down);
    assert_eq!((down[0].offset, down[0].value), (0x94, 1));
    assert_eq!((down[1].offset, down[1].value), (0x9c, 1 << 8), "GPPUDCLK1");
    assert_eq!(down[3].offset, 0x9c);
    assert_eq!(bcm2835_pull_sequence(4, Pull::None)[0].value, 0);

    // Run on a file: the sequence ends with GPPUD and GPPUDCLK cleared, and
    // writes nothing else.
    let fake = Fake::new(GPIO_2837, 0x1000);
    fake.poke32(0x94, 3);
    fake.poke32(0x98, 0xffff);
    let map = fake.map();
    let gpio = BcmGpio::new(&map, GPIO_2837, Chip::Bcm2835).unwrap();
    gpio.set_pull(17, Pull::Up).unwrap();
    assert_eq!(fake.nonzero_words(), vec![]);
    assert_eq!(
        gpio.pull(17).unwrap(),
        None,
        "BCM2835 pulls cannot be read back"
    );
}

#[test]
fn bcm2711_pull_registers_two_bits_a_pin() {
    // BCM2711 section 5.2: GPIO_PUP_PDN_CNTRL_REG0 at 0xe4 holds pins 0-15,
    // two bits each; 00 none, 01 pull-up, 10 pull-down (not GPPUD's order).
    assert_eq!(bcm2711_pull_field(0), (0xe4, 0));
    assert_eq!(bcm2711_pull_field(17), (0xe8, 2));
    assert_eq!(bcm2711_pull_field(57), (0xf0, 18));
    assert_eq!(Pull::Up.bcm2711_code(), 1);
    assert_eq!(Pull::Down.bcm2711_code(), 2);
    assert_eq!(Pull::Up.gppud_code(), 2);
    assert_eq!(Pull::Down.gppud_code(), 1);

    let fake = Fake::new(GPIO_2711, 0x1000);
    fake.poke32(0xe8, 0xffff_ffff);
    let map = fake.map();
    let gpio = BcmGpio::new(&map, GPIO_2711, Chip::Bcm2711).unwrap();
    gpio.set_pull(17, Pull::Up).unwrap();
    assert_eq!(
        fake.peek32(0xe8),
        !(0b10 << 2),
        "bits 3:2 = 01, others kept"
    );
    gpio.set_pull(17, Pull::Down).unwrap();
    assert_eq!(fake.peek32(0xe8), !(0b01 << 2));
    assert_eq!(gpio.pull(17).unwrap(), Some(Pull::Down));
    gpio.set_pull(17, Pull::None).unwrap();
    assert_eq!(gpio.pull(17).unwrap(), Some(Pull::None));
    assert_eq!(
        gpio.pull(16).unwrap_err(),
        GpioError::ReservedPull { pin: 16 }
    );
    gpio.set_pull(57, Pull::Up).unwrap();
    assert_eq!(fake.peek32(0xf0), 1 << 18);
    // No GPPUD writes on a BCM2711.
    assert_eq!(fake.peek32(0x94), 0);
    assert_eq!(fake.peek32(0x98), 0);
}

#[test]
fn gpio_event_detection() {
    let fake = Fake::new(GPIO_2837, 0x1000);
    let map = fake.map();
    let gpio = BcmGpio::new(&map, GPIO_2837, Chip::Bcm2835).unwrap();
    gpio.set_event(17, Event::RisingEdge, true).unwrap();
    gpio.set_event(17, Event::FallingEdge, true).unwrap();
    gpio.set_event(35, Event::AsyncFallingEdge, true).unwrap();
    assert_eq!(fake.peek32(0x4c), 1 << 17, "GPREN0");
    assert_eq!(fake.peek32(0x58), 1 << 17, "GPFEN0");
    assert_eq!(fake.peek32(0x8c), 1 << 3, "GPAFEN1");
    assert_eq!(
        gpio.events_enabled(17).unwrap(),
        vec![Event::RisingEdge, Event::FallingEdge]
    );
    gpio.set_event(17, Event::RisingEdge, false).unwrap();
    assert_eq!(fake.peek32(0x4c), 0);
    for (e, off) in [
        (Event::High, 0x64),
        (Event::Low, 0x70),
        (Event::AsyncRisingEdge, 0x7c),
    ] {
        assert_eq!(e.offset(), off);
    }

    // GPEDS is write-1-to-clear: clearing pin 17 writes only its bit.
    fake.poke32(0x40, (1 << 17) | (1 << 4));
    assert!(gpio.event_detected(17).unwrap());
    assert!(!gpio.event_detected(5).unwrap());
    gpio.clear_event(17).unwrap();
    assert_eq!(
        fake.peek32(0x40),
        1 << 17,
        "the store was the pin's bit alone"
    );
}

// ---- BCM system timer -------------------------------------------------------

/// A 64-bit microsecond counter read in halves, advancing `step` ticks on every register read.
struct Counter {
    now: Cell<u64>,
    step: u64,
}

impl Counter {
    fn hi(&self) -> u32 {
        let v = (self.now.get() >> 32) as u32;
        self.now.set(self.now.get() + self.step);
        v
    }
    fn lo(&self) -> u32 {
        let v = self.now.get() as u32;
        self.now.set(self.now.get() + self.step);
        v
    }
}

#[test]
fn split_counter_read_is_safe_across_the_carry() {
    // Start just before CLO wraps: the first CHI read sees 0, CLO has wrapped
    // to 0 by the time it is read (the torn value would be 0, 2^32 early), and
    // the second CHI read sees 1.
    let c = Counter {
        now: Cell::new(0xffff_fffe),
        step: 2,
    };
    let v = read_split_counter(|| c.hi(), || c.lo(), MAX_TRIES).unwrap();
    // Retry: CHI = 1, CLO = 6, CHI again 1.
    assert_eq!(v, 0x1_0000_0006);

    // Reading CLO first and CHI second would tear the other way.
    let c = Counter {
        now: Cell::new(0xffff_ffff),
        step: 1,
    };
    let naive = (u64::from(c.lo()), u64::from(c.hi()));
    assert_eq!((naive.1 << 32) | naive.0, 0x1_ffff_ffff, "2^32 too late");

    // Every start around the carry gives a value between the first and last read.
    for start in 0xffff_fff0u64..0x1_0000_0010 {
        for step in [1, 3, 7] {
            let c = Counter {
                now: Cell::new(start),
                step,
            };
            let v = read_split_counter(|| c.hi(), || c.lo(), MAX_TRIES).unwrap();
            assert!(
                v >= start && v < c.now.get(),
                "start {start:#x} step {step}: {v:#x}"
            );
        }
    }

    // A counter whose high half changes on every read is reported, not looped on.
    let mut n = 0u32;
    assert_eq!(
        read_split_counter(
            || {
                n += 1;
                n
            },
            || 0,
            MAX_TRIES
        ),
        None
    );
}

#[test]
fn system_timer_registers() {
    let fake = Fake::new(TIMER, 0x1000);
    fake.poke32(0x04, 0x89ab_cdef); // CLO
    fake.poke32(0x08, 0x0123_4567); // CHI
    let map = fake.map();
    let t = SystemTimer::new(&map, TIMER).unwrap();
    assert_eq!(t.now().unwrap(), 0x0123_4567_89ab_cdef);
    assert_eq!(t.low(), 0x89ab_cdef);

    // Compare channel 1 at C1 (0x10); CS bit 1 is its match flag, write-1-to-clear.
    let target = t.arm(1, 1000).unwrap();
    assert_eq!(target, 0x89ab_cdef + 1000);
    assert_eq!(fake.peek32(0x10), target, "C1");
    assert_eq!(
        fake.peek32(0x00),
        1 << 1,
        "CS: M1 cleared by writing its bit"
    );
    fake.poke32(0x00, 0b1010);
    assert!(t.matched(1).unwrap());
    assert!(!t.matched(0).unwrap());
    t.clear_match(3).unwrap();
    assert_eq!(fake.peek32(0x00), 1 << 3);
    for (ch, off) in [(0, 0x0c), (2, 0x14), (3, 0x18)] {
        t.set_compare(ch, 0x100 + u32::from(ch)).unwrap();
        assert_eq!(fake.peek32(off), 0x100 + u32::from(ch));
        assert_eq!(t.compare(ch).unwrap(), 0x100 + u32::from(ch));
    }
    assert_eq!(t.set_compare(4, 0), Err(TimerError::BadChannel(4)));
    assert_eq!(t.matched(9), Err(TimerError::BadChannel(9)));

    // CLO wraps: an arm near the top wraps too.
    fake.poke32(0x04, 0xffff_ff00);
    assert_eq!(t.arm(1, 0x200).unwrap(), 0x100);

    // A counter that does not count: delay is bounded.
    assert!(matches!(
        t.delay_us(10, 1000),
        Err(TimerError::Stalled {
            us: 10,
            polls: 1000
        })
    ));
    assert_eq!(t.delay_us(0, 10).unwrap(), 0);
}

// ---- RP1 GPIO (Raspberry Pi 5) ----------------------------------------------

#[test]
fn rp1_addresses_follow_the_datasheet() {
    let fake = Fake::new(RP1, rp1_gpio::block::SIZE);
    let map = fake.map();
    let gpio = Rp1Gpio::new(&map, RP1).unwrap();
    // IO_BANK0: GPIOn_STATUS at 8n, GPIOn_CTRL at 8n + 4.
    assert_eq!(gpio.status_addr(17).unwrap(), RP1 + 0x88);
    assert_eq!(gpio.ctrl_addr(17).unwrap(), RP1 + 0x8c);
    // PADS_BANK0 at +0x20000: VOLTAGE_SELECT at 0, GPIOn at 4 + 4n.
    assert_eq!(gpio.pad_addr(0).unwrap(), RP1 + 0x2_0004);
    assert_eq!(gpio.pad_addr(17).unwrap(), RP1 + 0x2_0048);
    assert_eq!(gpio.ctrl_addr(28), Err(Rp1Error::BadPin(28)));
}

#[test]
fn rp1_output_through_the_atomic_aliases() {
    let fake = Fake::new(RP1, rp1_gpio::block::SIZE);
    fake.poke32(0x8c, 0x1f); // GPIO17_CTRL: FUNCSEL null (reset)
    let map = fake.map();
    let gpio = Rp1Gpio::new(&map, RP1).unwrap();
    gpio.make_output(17).unwrap();
    // CTRL.FUNCSEL = 5 (SYS_RIO), overrides normal.
    assert_eq!(fake.peek32(0x8c), 5);
    assert_eq!(gpio.function(17).unwrap(), 5);
    // Pad: OD cleared through the CLR alias, IE set through the SET alias.
    assert_eq!(
        fake.peek32(0x2_0048 + 0x3000),
        1 << 7,
        "PADS GPIO17 CLR alias: OD"
    );
    assert_eq!(
        fake.peek32(0x2_0048 + 0x2000),
        1 << 6,
        "PADS GPIO17 SET alias: IE"
    );
    // SYS_RIO0 at +0x10000: RIO_OE's SET alias (+0x2004) gets bit 17.
    assert_eq!(fake.peek32(0x1_2004), 1 << 17);

    gpio.set_high(17).unwrap();
    assert_eq!(fake.peek32(0x1_2000), 1 << 17, "RIO_OUT SET alias");
    gpio.set_low(17).unwrap();
    assert_eq!(fake.peek32(0x1_3000), 1 << 17, "RIO_OUT CLR alias");
    gpio.toggle(17).unwrap();
    assert_eq!(fake.peek32(0x1_1000), 1 << 17, "RIO_OUT XOR alias");
    // Nothing was written to RIO_OUT or RIO_OE themselves: no read-modify-write.
    assert_eq!(fake.peek32(0x1_0000), 0);
    assert_eq!(fake.peek32(0x1_0004), 0);

    gpio.make_input(4).unwrap();
    assert_eq!(fake.peek32(0x1_3004), 1 << 4, "RIO_OE CLR alias");

    // SYNC_IN (+0xc) is the input level; NOSYNC_IN (+0x8) is not what it reads.
    fake.poke32(0x1_0008, 1 << 4);
    fake.poke32(0x1_000c, 1 << 17);
    assert!(gpio.level(17).unwrap());
    assert!(!gpio.level(4).unwrap());
    fake.poke32(0x1_0000, 0xabc);
    assert_eq!(gpio.outputs(), 0xabc);
}

#[test]
fn rp1_function_select_keeps_other_ctrl_bits() {
    let fake = Fake::new(RP1, rp1_gpio::block::SIZE);
    // GPIO3_CTRL with FUNCSEL 0x1f, OUTOVER high (13:12 = 3), INOVER invert (17:16 = 1), IRQ bits.
    fake.poke32(0x1c, 0x1f | (3 << 12) | (3 << 14) | (1 << 16) | (1 << 20));
    let map = fake.map();
    let gpio = Rp1Gpio::new(&map, RP1).unwrap();
    gpio.set_function(3, 2).unwrap();
    // FUNCSEL 2, OUTOVER and OEOVER back to "peripheral", INOVER and IRQ kept.
    assert_eq!(fake.peek32(0x1c), 2 | (1 << 16) | (1 << 20));
    assert_eq!(gpio.set_function(3, 9), Err(Rp1Error::BadFunction(9)));
    gpio.set_function(3, rp1_gpio::FUNCSEL_NULL).unwrap();
    assert_eq!(gpio.function(3).unwrap(), 0x1f);
}

#[test]
fn rp1_pads_and_pulls() {
    // PADS_BANK0 GPIOn: SLEWFAST 0, SCHMITT 1, PDE 2, PUE 3, DRIVE 5:4
    // (2/4/8/12 mA), IE 6, OD 7.
    let pad = Pad::from_bits(0x56);
    assert_eq!(
        pad,
        Pad {
            slew_fast: false,
            schmitt: true,
            pull: rp1_gpio::Pull::Down,
            drive_ma: 4,
            input_enable: true,
            output_disable: false,
        }
    );
    assert_eq!(pad.bits(), 0x56);
    for v in 0..=0xffu32 {
        assert_eq!(Pad::from_bits(v).bits(), v, "pad bits {v:#x} round-trip");
    }

    let fake = Fake::new(RP1, rp1_gpio::block::SIZE);
    fake.poke32(0x2_0048, 0x156);
    let map = fake.map();
    let gpio = Rp1Gpio::new(&map, RP1).unwrap();
    assert_eq!(gpio.pad_config(17).unwrap(), pad);
    gpio.set_pad_config(
        17,
        Pad {
            drive_ma: 12,
            pull: rp1_gpio::Pull::Up,
            ..pad
        },
    )
    .unwrap();
    assert_eq!(fake.peek32(0x2_0048), 0x100 | 0x40 | 0x30 | 0x08 | 0x02);

    // set_pull: clear PUE|PDE through the CLR alias, then set PUE through SET.
    gpio.set_pull(17, rp1_gpio::Pull::Up).unwrap();
    assert_eq!(fake.peek32(0x2_0048 + 0x3000), 0b1100);
    assert_eq!(fake.peek32(0x2_0048 + 0x2000), 0b1000);
    // Too small a mapping for all three blocks.
    let small = Fake::new(RP1, 0x2_0000);
    let map = small.map();
    assert!(Rp1Gpio::new(&map, RP1).is_err());
    // No bank-0 pin 28.
    assert_eq!(
        Rp1Gpio::new(&fake.map(), RP1).unwrap().set_high(28),
        Err(Rp1Error::BadPin(28))
    );
}
