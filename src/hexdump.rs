//! Hex dumps of bytes read from a device: the text `physreg dump` prints,
//! shared with the examples that show raw data (`fw_cfg_ls NAME`).
//!
//! A line holds up to [`LINE_BYTES`] bytes: their address, the elements at
//! their access width (read in the device's byte order, so a 32-bit register
//! reads as its value), then the bytes as text, `.` for what is not printable
//! ASCII. A short last line is padded so that the text column stays put.
//!
//! ```
//! use physreg::hexdump;
//! use physreg::reg::{Endianness, Width};
//!
//! let id = [0x11, 0, 0, 0, 0x10, 0, 0, 0]; // two 32-bit registers, as they lie in memory
//! assert_eq!(
//!     hexdump::line(0x0900_0fe0, &id, Width::W32, Endianness::Little),
//!     "0x09000FE0: 00000011 00000010                    |........|"
//! );
//! ```
//!
//! The functions work on bytes already read: how to read them (each element
//! once, at its width) is the caller's business.

use std::io::{self, Write};

use crate::reg::{Endianness, Width};

/// Bytes shown on one line.
pub const LINE_BYTES: usize = 16;

/// One line, without its newline: `bytes` (in memory order, at most
/// [`LINE_BYTES`] of them, whole elements of `width`) found at address `at`.
pub fn line(at: u64, bytes: &[u8], width: Width, endian: Endianness) -> String {
    let n = width.bytes();
    let mut hexes = String::new();
    for chunk in bytes.chunks(n) {
        let mut word = [0u8; 8];
        let value = match endian {
            Endianness::Little => {
                word[..chunk.len()].copy_from_slice(chunk);
                u64::from_le_bytes(word)
            }
            Endianness::Big => {
                word[8 - chunk.len()..].copy_from_slice(chunk);
                u64::from_be_bytes(word)
            }
        };
        if !hexes.is_empty() {
            hexes.push(' ');
        }
        hexes.push_str(&format!("{value:0w$x}", w = n * 2));
    }
    // A full line's elements and the spaces between them.
    let full = (LINE_BYTES / n) * (n * 2 + 1) - 1;
    let text: String = bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    format!("0x{at:08X}: {hexes:full$}  |{text}|")
}

/// Writes `bytes` (in memory order, from address `start`) as lines of
/// [`LINE_BYTES`], each ending in a newline. Nothing for no bytes.
pub fn write_lines(
    out: &mut impl Write,
    start: u64,
    bytes: &[u8],
    width: Width,
    endian: Endianness,
) -> io::Result<()> {
    let mut at = start;
    for chunk in bytes.chunks(LINE_BYTES) {
        writeln!(out, "{}", line(at, chunk, width, endian))?;
        at = at.wrapping_add(LINE_BYTES as u64);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(start: u64, bytes: &[u8], width: Width, endian: Endianness) -> String {
        let mut out = Vec::new();
        write_lines(&mut out, start, bytes, width, endian).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn full_lines_at_each_width() {
        let bytes: Vec<u8> = (0..16).collect();
        let le = Endianness::Little;
        assert_eq!(
            line(0x1000, &bytes, Width::W8, le),
            "0x00001000: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  |................|"
        );
        assert_eq!(
            line(0x1000, &bytes, Width::W16, le),
            "0x00001000: 0100 0302 0504 0706 0908 0b0a 0d0c 0f0e  |................|"
        );
        assert_eq!(
            line(0x1000, &bytes, Width::W32, le),
            "0x00001000: 03020100 07060504 0b0a0908 0f0e0d0c  |................|"
        );
        assert_eq!(
            line(0x1000, &bytes, Width::W64, le),
            "0x00001000: 0706050403020100 0f0e0d0c0b0a0908  |................|"
        );
    }

    #[test]
    fn big_endian_elements_read_in_memory_order() {
        // fw_cfg's signature through its big-endian data register, one 64-bit element.
        assert_eq!(
            line(0x0902_0000, b"QEMU\0\0\0\0", Width::W64, Endianness::Big),
            "0x09020000: 51454d5500000000                   |QEMU....|"
        );
        assert_eq!(
            line(0, &[0x12, 0x34], Width::W16, Endianness::Big),
            "0x00000000: 1234                                     |.4|"
        );
    }

    #[test]
    fn text_column_shows_printable_ascii_and_space_only() {
        assert_eq!(
            line(0, b"a b~\x7f\t\xff\x00", Width::W8, Endianness::Little),
            "0x00000000: 61 20 62 7e 7f 09 ff 00                          |a b~....|"
        );
    }

    #[test]
    fn addresses_past_32_bits_widen() {
        assert_eq!(
            line(
                0x1f_000d_0000,
                &[1, 0, 0, 0],
                Width::W32,
                Endianness::Little
            ),
            "0x1F000D0000: 00000001                             |....|"
        );
    }

    #[test]
    fn many_lines_pad_the_last() {
        let bytes: Vec<u8> = (0x41..0x41 + 20).collect();
        assert_eq!(
            lines(0x10, &bytes, Width::W8, Endianness::Little),
            "0x00000010: 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|\n\
             0x00000020: 51 52 53 54                                      |QRST|\n"
        );
        assert_eq!(lines(0, &[], Width::W32, Endianness::Little), "");
    }
}
