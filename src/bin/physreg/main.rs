//! The `physreg` command (its subcommands are being written).
fn main() {
    eprintln!("physreg: no commands yet");
    std::process::exit(2);
}
