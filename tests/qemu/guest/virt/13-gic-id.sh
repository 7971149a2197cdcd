#!/bin/sh
# GICv2 (cortex-a15-gic node at 0x08000000, CPU interface at 0x08010000): identification.
# GICD_IIDR = 0x0000043B (implementer ARM, JEP106 0x43B), GICD_PIDR2 architecture revision 2,
# GICC_IIDR = 0x0002043B (architecture version 2), GICD_TYPER.ITLinesNumber 8 (288 IDs).
set -eu
. /tests/lib.sh

gicd=0x08000000
gicc=0x08010000
iidr=$(bb_rd $((gicd + 0x008)))
assert_eq 0x0000043B "$iidr" "GICD_IIDR"
assert_num_eq 0x43B $(( iidr & 0xFFF )) "GICD_IIDR.Implementer"
pidr2=$(bb_rd $((gicd + 0xFE8)))
assert_num_eq 2 $(( (pidr2 >> 4) & 0xF )) "GICD_PIDR2.ArchRev ($pidr2)"
assert_eq "0x0000000D 0x000000F0 0x00000005 0x000000B1" \
    "$(bb_rd $((gicd + 0xFF0))) $(bb_rd $((gicd + 0xFF4))) $(bb_rd $((gicd + 0xFF8))) $(bb_rd $((gicd + 0xFFC)))" \
    "GICD_CIDR0..3"
typer=$(bb_rd $((gicd + 0x004)))
assert_num_eq 8 $(( typer & 0x1F )) "GICD_TYPER.ITLinesNumber ($typer)"
assert_num_eq 0 $(( (typer >> 5) & 0x7 )) "GICD_TYPER.CPUNumber (one CPU)"
assert_num_eq 1 $(( $(bb_rd $gicd) & 1 )) "GICD_CTLR.Enable (Linux enabled the distributor)"

giccid=$(bb_rd $((gicc + 0x0FC)))
assert_eq 0x0002043B "$giccid" "GICC_IIDR"
assert_num_eq 2 $(( (giccid >> 16) & 0xF )) "GICC_IIDR.ArchitectureVersion"
