//! Guest tool for the QEMU suite: `gpio_ioctl_loop CHIP LINE N` requests one
//! line of a GPIO character device as an output (GPIO uAPI v2) and toggles it
//! N times with GPIO_V2_LINE_SET_VALUES_IOCTL: the kernel driver's way to do
//! what physreg does with stores, one system call per operation. Prints
//! `gpio_ioctl_loop: N ioctls`.

use std::fs::File;
use std::os::fd::AsRawFd;

#[repr(C)]
#[derive(Clone, Copy)]
struct LineAttribute {
    id: u32,
    padding: u32,
    value: u64,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct ConfigAttribute {
    attr: LineAttribute,
    mask: u64,
}

#[repr(C)]
struct LineConfig {
    flags: u64,
    num_attrs: u32,
    padding: [u32; 5],
    attrs: [ConfigAttribute; 10],
}

#[repr(C)]
struct LineRequest {
    offsets: [u32; 64],
    consumer: [u8; 32],
    config: LineConfig,
    num_lines: u32,
    event_buffer_size: u32,
    padding: [u32; 5],
    fd: i32,
}

#[repr(C)]
struct LineValues {
    bits: u64,
    mask: u64,
}

const fn iowr(nr: u64, size: usize) -> u64 {
    (3 << 30) | ((size as u64) << 16) | (0xb4 << 8) | nr
}
const GPIO_V2_GET_LINE_IOCTL: u64 = iowr(0x07, std::mem::size_of::<LineRequest>());
const GPIO_V2_LINE_SET_VALUES_IOCTL: u64 = iowr(0x0f, std::mem::size_of::<LineValues>());
const GPIO_V2_LINE_FLAG_OUTPUT: u64 = 1 << 3;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(chip), Some(line), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|s| s.parse::<u32>().ok()),
        args.get(3).and_then(|s| s.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: gpio_ioctl_loop /dev/gpiochipN LINE COUNT");
        std::process::exit(2);
    };
    let chip = File::open(chip).unwrap_or_else(|e| fail(&format!("{chip}: {e}")));
    let empty = ConfigAttribute {
        attr: LineAttribute {
            id: 0,
            padding: 0,
            value: 0,
        },
        mask: 0,
    };
    let mut req = LineRequest {
        offsets: [0; 64],
        consumer: [0; 32],
        config: LineConfig {
            flags: GPIO_V2_LINE_FLAG_OUTPUT,
            num_attrs: 0,
            padding: [0; 5],
            attrs: [empty; 10],
        },
        num_lines: 1,
        event_buffer_size: 0,
        padding: [0; 5],
        fd: -1,
    };
    req.offsets[0] = line;
    req.consumer[..8].copy_from_slice(b"physreg\0");
    // SAFETY: `req` is a properly laid out gpio_v2_line_request the kernel may read and write.
    if unsafe { libc::ioctl(chip.as_raw_fd(), GPIO_V2_GET_LINE_IOCTL as _, &mut req) } < 0 {
        fail(&format!(
            "GPIO_V2_GET_LINE_IOCTL: {}",
            std::io::Error::last_os_error()
        ));
    }
    for i in 0..n {
        let mut values = LineValues {
            bits: i & 1,
            mask: 1,
        };
        // SAFETY: `req.fd` is the line fd the kernel returned; `values` is a gpio_v2_line_values.
        if unsafe { libc::ioctl(req.fd, GPIO_V2_LINE_SET_VALUES_IOCTL as _, &mut values) } < 0 {
            fail(&format!(
                "GPIO_V2_LINE_SET_VALUES_IOCTL: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    println!("gpio_ioctl_loop: {n} ioctls");
}

fn fail(msg: &str) -> ! {
    eprintln!("gpio_ioctl_loop: {msg}");
    std::process::exit(1);
}
